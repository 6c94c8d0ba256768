// A worker thread's entry: TypeScript runs through tsx's loader, registered here because a
// worker does not always inherit the loader its parent was started with.
import { register } from 'tsx/esm/api'

register()
const tasks = await import('./worker.ts')
export const analysis = tasks.analysis
export const validate = tasks.validate
export const tile = tasks.tile
export const ping = tasks.ping
