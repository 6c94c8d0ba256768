import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type { Test } from 'tap'

/**
 * Holds answers to the OpenAPI document the app serves: the status must be declared for the
 * operation, the Content-Type must be one of the media types declared for that status, and the body
 * must validate against the schema declared for that media type (JSON Schema 2020-12, as OpenAPI
 * 3.1 says, `#/components/schemas/…` resolved against the document).
 */

export interface ContractRequest {
  method?: string
  /** The URL as requested, query included: the path is matched against the document's templates. */
  url: string
}

interface MediaTypeObject {
  schema?: unknown
}
interface ResponseObject {
  description?: string
  content?: Record<string, MediaTypeObject>
}
interface OperationObject {
  responses?: Record<string, ResponseObject>
}
interface OpenApiDocument {
  openapi: string
  paths: Record<string, Record<string, OperationObject>>
  components?: { schemas?: Record<string, unknown> }
}

export interface Operation {
  method: string
  /** The path template as the document spells it, e.g. /v1/features/{id}/control. */
  path: string
  responses: Record<string, ResponseObject>
}

/** Every operation of a document as `METHOD /path/{template}`. */
export function operationKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`
}

const DOCUMENT_ID = 'urn:frontline:openapi'
const COMPONENT_REF = '#/components/schemas/'
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options']

/** Rewrites component references to point into the document schema registered with ajv. */
function absoluteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(absoluteRefs)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value).map(([key, member]) =>
      key === '$ref' && typeof member === 'string' && member.startsWith(COMPONENT_REF)
        ? [key, `${DOCUMENT_ID}#/$defs/${member.slice(COMPONENT_REF.length)}`]
        : [key, absoluteRefs(member)],
    ),
  )
}

const mediaTypeOf = (contentType: string | undefined) => (contentType ?? '').split(';')[0].trim().toLowerCase()
const isJson = (mediaType: string) => mediaType === 'application/json' || mediaType.endsWith('+json')

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

function decodedBody(response: LightMyRequestResponse): string {
  const encoding = String(response.headers['content-encoding'] ?? 'identity').toLowerCase()
  const raw = response.rawPayload
  if (encoding === 'br') return brotliDecompressSync(raw).toString('utf8')
  if (encoding === 'gzip') return gunzipSync(raw).toString('utf8')
  if (encoding === 'deflate') return inflateSync(raw).toString('utf8')
  return raw.toString('utf8')
}

export class Contract {
  readonly document: OpenApiDocument
  readonly operations: Operation[]
  readonly #ajv: Ajv2020
  readonly #validators = new Map<string, ValidateFunction>()
  readonly #templates: { operation: Operation; pattern: RegExp; literalChars: number }[]

  constructor(document: OpenApiDocument) {
    if (!document.openapi?.startsWith('3.1')) throw new Error(`expected an OpenAPI 3.1 document, got ${document.openapi}`)
    this.document = document
    // strict off: OpenAPI adds keywords (example) that JSON Schema validators need not know.
    this.#ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true })
    addFormats.default(this.#ajv)
    this.#ajv.addSchema({ $id: DOCUMENT_ID, $defs: absoluteRefs(document.components?.schemas ?? {}) })
    this.operations = Object.entries(document.paths).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => ({ method: method.toUpperCase(), path, responses: item[method].responses ?? {} })),
    )
    this.#templates = this.operations.map((operation) => ({
      operation,
      pattern: new RegExp(
        `^${operation.path
          .split(/\{[^}]+\}/)
          .map(escapeRegExp)
          .join('[^/]+')}/?$`,
      ),
      literalChars: operation.path.replace(/\{[^}]+\}/g, '').length,
    }))
  }

  /** The operation a request reaches: a literal segment beats a template (/control/point over /control/{x}). */
  operationFor(method: string, url: string): Operation | undefined {
    const path = url.split('?')[0]
    const wanted = method.toUpperCase() === 'HEAD' ? ['HEAD', 'GET'] : [method.toUpperCase()]
    for (const candidate of wanted) {
      const matches = this.#templates.filter((entry) => entry.operation.method === candidate && entry.pattern.test(path))
      if (matches.length > 0) return matches.sort((a, b) => b.literalChars - a.literalChars)[0].operation
    }
    return undefined
  }

  /** A validator for a schema of the document (inline in an operation, or a component by name). */
  validator(schema: unknown, key: string): ValidateFunction {
    let validate = this.#validators.get(key)
    if (!validate) {
      validate = this.#ajv.compile(absoluteRefs(schema) as object)
      this.#validators.set(key, validate)
    }
    return validate
  }

  /** Validates a value against a component, e.g. a problem answered outside any operation. */
  checkComponent(id: string, value: unknown): string[] {
    const schema = this.document.components?.schemas?.[id]
    if (!schema) return [`#/components/schemas/${id} is not in the document`]
    const validate = this.validator({ $ref: `${COMPONENT_REF}${id}` }, `component ${id}`)
    return validate(value) ? [] : this.#describe(validate)
  }

  #describe(validate: ValidateFunction): string[] {
    return (validate.errors ?? []).slice(0, 20).map((error) => {
      const detail = error.params && Object.keys(error.params).length > 0 ? ` ${JSON.stringify(error.params)}` : ''
      return `body${error.instancePath || ''} ${error.message ?? 'is invalid'}${detail} (schema ${error.schemaPath})`
    })
  }

  /** Everything wrong with an answer, as sentences; empty when it is as declared. */
  check(request: ContractRequest, response: LightMyRequestResponse): string[] {
    const method = (request.method ?? 'GET').toUpperCase()
    const operation = this.operationFor(method, request.url)
    if (!operation) return [`no operation in the document for ${method} ${request.url.split('?')[0]}`]
    const where = operationKey(operation.method, operation.path)
    const status = String(response.statusCode)
    const declared = operation.responses[status] ?? operation.responses[`${status[0]}XX`] ?? operation.responses.default
    if (!declared) {
      return [`status ${status} is not declared for ${where} (declared: ${Object.keys(operation.responses).join(', ') || 'none'})`]
    }
    const content = declared.content ?? {}
    const bodyless = method === 'HEAD' || status === '204' || status === '304' || response.rawPayload.length === 0
    if (bodyless) {
      if (response.rawPayload.length > 0) return [`${where} ${status}: a body was sent where none belongs`]
      if (Object.keys(content).length > 0 && status !== '304' && method !== 'HEAD')
        return [`${where} ${status}: the body is empty, declared ${Object.keys(content).join(', ')}`]
      return []
    }
    const mediaType = mediaTypeOf(response.headers['content-type'] as string | undefined)
    const declaredTypes = Object.keys(content)
    const match = content[mediaType] ?? content[`${mediaType.split('/')[0]}/*`] ?? content['*/*']
    if (!match) {
      return [`${where} ${status}: Content-Type ${mediaType || '(none)'} is not declared (declared: ${declaredTypes.join(', ') || 'no content'})`]
    }
    const text = decodedBody(response)
    let body: unknown = text
    if (isJson(mediaType)) {
      try {
        body = JSON.parse(text)
      } catch (error) {
        return [`${where} ${status}: the ${mediaType} body is not JSON: ${(error as Error).message}`]
      }
    }
    if (match.schema === undefined) return []
    const validate = this.validator(match.schema, `${where} ${status} ${mediaType}`)
    if (validate(body)) return []
    return this.#describe(validate).map((problem) => `${where} ${status} ${mediaType}: ${problem}`)
  }
}

const contracts = new WeakMap<FastifyInstance, Promise<Contract>>()

/** The contract of an app, read once from the document it serves at GET /openapi.json. */
export function contractOf(app: FastifyInstance): Promise<Contract> {
  let contract = contracts.get(app)
  if (!contract) {
    contract = app.inject({ url: '/openapi.json' }).then((response) => {
      if (response.statusCode !== 200) throw new Error(`GET /openapi.json answered ${response.statusCode}: ${response.body}`)
      return new Contract(response.json())
    })
    contracts.set(app, contract)
  }
  return contract
}

/**
 * Asserts that an answer is what the app's OpenAPI document declares for the request; one failure
 * per problem, each naming the operation, status and media type. Returns the problems found.
 */
export async function checkAgainstContract(t: Test, app: FastifyInstance, response: LightMyRequestResponse, request: ContractRequest): Promise<string[]> {
  const contract = await contractOf(app)
  const problems = contract.check(request, response)
  const label = `${(request.method ?? 'GET').toUpperCase()} ${request.url} → ${response.statusCode}`
  if (problems.length === 0) t.pass(`${label} answers as declared`)
  for (const problem of problems) t.fail(`${label}: ${problem}`, { body: response.body.slice(0, 2000) })
  return problems
}
