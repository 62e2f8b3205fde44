/** The replay after a welcome: `start()` and `resumed` wait until the items the welcome announced are in. */
import { type Runtime, resolveStarts } from './runtime.js'

/** How long `start()` waits for the replay announced by `welcome.lastSeq` before going on anyway. */
const SYNC_TIMEOUT_MS = 3_000

export function beginSync(rt: Runtime, target: number): void {
  rt._syncTarget = target
  rt._cancelSync?.()
  rt._cancelSync = rt._clock.setTimeout(() => finishSync(rt), SYNC_TIMEOUT_MS)
  checkSynced(rt)
}

export function checkSynced(rt: Runtime): void {
  if (rt._syncTarget !== undefined && rt._seq.lastSeq >= rt._syncTarget) finishSync(rt)
}

/** The replay is in: now `resumed` and `start()` can tell the app, with the whole transcript held. */
export function finishSync(rt: Runtime): void {
  rt._syncTarget = undefined
  rt._cancelSync?.()
  rt._cancelSync = undefined
  const resumed = rt._pendingResumed
  rt._pendingResumed = undefined
  if (resumed) rt._events.emit('resumed', resumed)
  resolveStarts(rt)
}
