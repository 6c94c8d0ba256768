import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { ownDatabaseUrl } from '../helpers.js'

// The container as shipped, without a Docker engine: the Dockerfile, .dockerignore and compose file read as Docker
// reads them, and the image's own CMD and HEALTHCHECK run as an unprivileged user against a fresh volume directory,
// as `docker run` of the image alone does. setpriv (util-linux, in every Debian) drops to that user.

const root = new URL('../..', import.meta.url).pathname
const read = (file: string) => readFileSync(join(root, file), 'utf8')

interface Instruction {
  name: string
  args: string
}

/** Dockerfile instructions in order: comments dropped, continuation lines joined. */
function instructions(text: string): Instruction[] {
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
  return logical
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => {
      const [name, ...rest] = line.split(/\s+/)
      return { name: name.toUpperCase(), args: rest.join(' ') }
    })
}

/** The unprivileged user the image runs as stands for `node` here: its uid and gid from /etc/passwd. */
function user(name: string): { uid: number; gid: number } {
  const entry = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((line) => line.startsWith(`${name}:`))
  if (!entry) throw new Error(`no user ${name} in /etc/passwd`)
  const [, , uid, gid] = entry.split(':')
  return { uid: Number(uid), gid: Number(gid) }
}

const dockerfile = instructions(read('Dockerfile'))
const index = (name: string, args: RegExp) => dockerfile.findIndex((entry) => entry.name === name && args.test(entry.args))
const execForm = (name: string): string[] => {
  const entry = dockerfile.find((candidate) => candidate.name === name)
  if (!entry) throw new Error(`the Dockerfile has no ${name}`)
  const json = entry.args.slice(entry.args.indexOf('['))
  return JSON.parse(json) as string[]
}

t.test('Dockerfile', async (t) => {
  t.test('the volume belongs to the user the image runs as', async (t) => {
    const chown = index('RUN', /mkdir -p \/data\b[\s\S]*chown (-R )?node(:node)? \/data\b/)
    const volume = index('VOLUME', /^(\/data|\["\/data"\])$/)
    const userNode = index('USER', /^node$/)
    t.ok(chown >= 0, 'RUN mkdir -p /data && chown node:node /data')
    t.ok(volume >= 0, 'VOLUME /data')
    t.ok(userNode >= 0, 'USER node')
    t.ok(chown < volume, 'chown before VOLUME: a new volume takes the owner of its mount point')
    t.ok(volume < userNode, 'USER node after VOLUME')
    t.equal(dockerfile.slice(userNode).filter((entry) => entry.name === 'USER').length, 1, 'nothing switches back to root')
    t.ok(index('ENV', /\bDATA_DIR=\/data\b/) >= 0, 'the service keeps its data in the volume')
    t.ok(index('ENV', /\bHOST=0\.0\.0\.0\b/) >= 0, 'it listens on every interface of the container')
  })

  t.test('what it copies exists and is not excluded from the context', async (t) => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))
    for (const copy of dockerfile.filter((entry) => entry.name === 'COPY')) {
      const sources = copy.args.split(/\s+/).slice(0, -1)
      for (const source of sources) {
        t.ok(existsSync(join(root, source)), `${source} exists`)
        t.notOk(ignored.includes(source), `${source} is in the build context`)
      }
    }
    t.ok(index('RUN', /npm ci --omit=dev/) >= 0, 'production dependencies from the lockfile')
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> }
    t.ok(pkg.dependencies.tsx, 'tsx, which the CMD runs, is a production dependency')
  })

  t.test('.dockerignore keeps dependencies, data and history out of the context', async (t) => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
    for (const entry of ['node_modules', '.data', '.git']) t.ok(ignored.includes(entry), entry)
  })

  t.test('the CMD and HEALTHCHECK are exec forms run by node (the image has no shell tools to rely on)', async (t) => {
    t.same(execForm('CMD'), ['node', '--import', 'tsx', 'src/server.ts'])
    const health = execForm('HEALTHCHECK')
    t.equal(health[0], 'node')
    t.match(health.join(' '), '/health')
    t.match(dockerfile.find((entry) => entry.name === 'HEALTHCHECK')!.args, /--start-period=\d+s/)
  })
})

t.test('docker-compose.yml has no default write token', async (t) => {
  const compose = read('docker-compose.yml')
  t.match(compose, /API_TOKENS: '?\$\{API_TOKENS:\?[^}]+\}'?/, 'compose refuses to start without API_TOKENS')
  t.notMatch(compose, /change-me/)
  t.notMatch(compose, /\$\{API_TOKENS:-/, 'no fallback value')
})

interface Run {
  child: ChildProcess
  output(): string
  exited: Promise<number | null>
}

/** The image's CMD as `nobody`, in a minimal environment like the image's (no API_TOKENS: it generates one). */
function runAsNobody(t: Test, dataDir: string, databaseUrl: string): Run {
  const [command, ...args] = execForm('CMD')
  t.equal(command, 'node')
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_ENV: 'production', HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, DATABASE_URL: databaseUrl }
  const child = spawn('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '--', process.execPath, ...args], {
    cwd: root,
    env: { ...env, LOG_LEVEL: 'info', LOAD_DEFAULT_DATASET: 'never' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => resolve(code))
    child.on('error', (error) => {
      output += String(error)
      resolve(-1)
    })
  })
  let gone = false
  void exited.then(() => (gone = true))
  t.teardown(async () => {
    if (!gone) child.kill('SIGKILL')
    await exited
  })
  return { child, output: () => output, exited }
}

function healthcheck(port: number): Promise<number> {
  const [command, ...args] = execForm('HEALTHCHECK')
  return new Promise((resolve) => {
    execFile(command === 'node' ? process.execPath : command, args, { env: { PATH: process.env.PATH, PORT: String(port) }, timeout: 10_000 }, (error) =>
      resolve(error ? Number((error as { code?: number }).code ?? 1) : 0),
    )
  })
}

t.test('the image as `docker run` starts it: an unprivileged user on a fresh volume', async (t) => {
  const nobody = user('nobody')
  const volume = mkdtempSync(join(tmpdir(), 'frontline-volume-'))
  t.teardown(() => rmSync(volume, { recursive: true, force: true }))
  // What `RUN mkdir -p /data && chown node:node /data` before `VOLUME /data` gives a new volume.
  chownSync(volume, nobody.uid, nobody.gid)
  const run = runAsNobody(t, volume, await ownDatabaseUrl(t, 'reliability_container'))

  const deadline = Date.now() + 90_000
  let port = 0
  while (!port) {
    const listening = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(run.output())
    if (listening) port = Number(listening[1])
    else if (Date.now() > deadline || (await Promise.race([run.exited, new Promise((resolve) => setTimeout(() => resolve('running'), 100))])) !== 'running')
      throw new Error(`the server did not start: ${run.output()}`)
  }

  t.test('it makes a write token, keeps it in the volume for its user alone and prints it once', async (t) => {
    const file = join(volume, 'api-token')
    const stat = statSync(file)
    t.equal(stat.mode & 0o777, 0o600)
    t.equal(stat.uid, nobody.uid)
    const token = readFileSync(file, 'utf8').trim()
    t.equal(run.output().split(token).length - 1, 1, 'printed once')
    const res = await fetch(`http://127.0.0.1:${port}/v1/datasets/container`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Container' }),
    })
    t.equal(res.status, 201, 'and it writes')
  })

  if (!process.env.DATABASE_URL) {
    t.test('the embedded database lives in the volume, owned by that user', async (t) => {
      t.equal(statSync(join(volume, 'pglite')).uid, nobody.uid)
    })
  }

  t.test('/health answers, and the HEALTHCHECK says healthy', async (t) => {
    t.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200)
    t.equal(await healthcheck(port), 0)
  })

  t.test('SIGTERM stops it cleanly', async (t) => {
    run.child.kill('SIGTERM')
    t.equal(await run.exited, 0, run.output())
  })

  t.test('the HEALTHCHECK says unhealthy once nothing answers', async (t) => {
    t.not(await healthcheck(port), 0)
  })
})

t.test('a volume the user cannot write (VOLUME before chown) fails at start, naming the cause', async (t) => {
  const volume = mkdtempSync(join(tmpdir(), 'frontline-volume-'))
  t.teardown(() => rmSync(volume, { recursive: true, force: true }))
  const run = runAsNobody(t, volume, await ownDatabaseUrl(t, 'reliability_container'))
  const code = await run.exited
  t.not(code, 0)
  t.match(run.output(), /DATA_DIR \S+ is not writable by this process \(uid \d+\): EACCES/)
})
