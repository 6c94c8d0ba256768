// One API process of the scale-out benchmark: the app on a PostgreSQL schema, listening on a free
// loopback port, which it prints as one JSON line. Stops on SIGTERM.
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/database.js'

const [url, schema, token] = process.argv.slice(2)
const database = await openDatabase({ databaseUrl: url, schema, poolSize: 5 })
const config = loadConfig({ API_TOKENS: token, LOG_LEVEL: 'silent' })
const app = await buildApp({ config, database, closeDatabase: true, logger: false })
await app.listen({ port: 0, host: '127.0.0.1' })
const address = app.server.address()
process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : null, pid: process.pid })}\n`)
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0))
})
