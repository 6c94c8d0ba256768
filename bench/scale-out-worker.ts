// One API process of the scale-out benchmark: the app on a PostgreSQL schema, listening on a free
// loopback port, which it prints as one JSON line. Stops on SIGTERM.
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/database.js'
import { listenOnFreePort } from './common.js'

const [url, schema, token] = process.argv.slice(2)
const database = await openDatabase({ databaseUrl: url, schema, poolSize: 5 })
const config = loadConfig({ API_TOKENS: token, LOG_LEVEL: 'silent' })
const app = await buildApp({ config, database, closeDatabase: true, logger: false })
const { port } = await listenOnFreePort(app)
process.stdout.write(`${JSON.stringify({ port, pid: process.pid })}\n`)
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0))
})
