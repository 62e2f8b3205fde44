// `npm run bench`: every benchmark, each printed as a table beside the peer it is compared with.
// `npm run bench -- size`, `-- memory`, `-- resume`, `-- storm`, `-- deadlines` or `-- throughput` runs one of them.
import { measureSizes, formatSizes } from './size.mjs'
import { idleMemory, formatIdleMemory } from './idle-memory.mjs'
import { resumeLatency, formatResume } from './resume.mjs'
import { deadlinePrecision, formatDeadlines } from './deadlines.mjs'
import { reconnectStorm, formatStorm } from './storm.mjs'
import { throughput, formatThroughput } from './throughput.mjs'

const only = process.argv[2]
const describeMachine = async () => {
  const os = await import('node:os')
  return `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`
}

console.log(`Machine: ${await describeMachine()}\n`)
if (!only || only === 'size') {
  console.log('## Bundle size (rollup + terser, same pipeline for every library)\n')
  console.log(formatSizes(await measureSizes()), '\n')
}
if (!only || only === 'memory') {
  console.log('## Server memory per idle customer (server and clients in separate processes, loopback)\n')
  console.log(formatIdleMemory(await idleMemory()), '\n')
}
if (!only || only === 'resume') {
  console.log('## Resume latency (reconnect, handshake and replay of what was missed)\n')
  console.log(formatResume(await resumeLatency()), '\n')
}
if (!only || only === 'storm') {
  console.log('## Reconnect storm (everyone drops at once and comes back at once)\n')
  console.log(formatStorm(await reconnectStorm()), '\n')
}
if (!only || only === 'deadlines') {
  console.log('## Deadline precision (how late a grace window ends, counted from the last moment heard)\n')
  console.log(formatDeadlines(await deadlinePrecision()), '\n')
}
if (!only || only === 'throughput') {
  console.log('## Throughput (customer -> agent)\n')
  console.log(formatThroughput(await throughput()), '\n')
}
