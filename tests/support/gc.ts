// A full garbage collection on demand, for tests of what must survive one. The flag can be
// set at run time; `gc` then exists in a fresh context.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/** Collects garbage twice: the second pass reclaims what the first one's finalizers freed. */
export async function collectGarbage(): Promise<void> {
  gc()
  await new Promise((resolve) => setImmediate(resolve))
  gc()
}
