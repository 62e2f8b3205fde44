// `npm run bench`: every benchmark, each printed as a table beside the peer it is compared with.
// `npm run bench -- NAME` runs one of them (size, size-parts, memory, resume, storm, deadlines, throughput, redis-ops).
import { cpus, totalmem } from 'node:os'
import { measureSizes, formatSizes } from './size.mjs'
import { measureParts, formatParts } from './size-parts.mjs'
import { idleMemory, formatIdleMemory } from './idle-memory.mjs'
import { resumeLatency, formatResume } from './resume.mjs'
import { deadlinePrecision, formatDeadlines } from './deadlines.mjs'
import { storms, formatStorm } from './storm.mjs'
import { throughput, formatThroughput } from './throughput.mjs'
import { redisOps, formatRedisOps } from './redis-ops.mjs'

const BENCHMARKS = [
  ['size', 'Bundle size (rollup + terser, same pipeline for every library)', async () => formatSizes(await measureSizes())],
  ['size-parts', "Where the core's bytes go (per source file, and what each dependency adds)", async () => formatParts(await measureParts())],
  ['memory', 'Server memory per idle customer (server and clients in separate processes, loopback)', async () => formatIdleMemory(await idleMemory())],
  ['resume', 'Resume latency (reconnect, handshake and replay of what was missed)', async () => formatResume(await resumeLatency())],
  ['storm', 'Reconnect storm (everyone drops at once and comes back at once)', async () => formatStorm(await storms())],
  ['deadlines', 'Deadline precision (how late a grace window ends, counted from the last moment heard)', async () => formatDeadlines(await deadlinePrecision())],
  ['throughput', 'Throughput (customer -> agent)', async () => formatThroughput(await throughput())],
  ['redis-ops', 'Redis cost per operation (three processes on one redis-server; INFO commandstats and MONITOR)', async () => formatRedisOps(await redisOps())],
]

const only = process.argv[2]
if (only && !BENCHMARKS.some(([name]) => name === only)) {
  console.error(`unknown benchmark ${only}; one of ${BENCHMARKS.map(([name]) => name).join(', ')}`)
  process.exit(2)
}
console.log(`Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`)
for (const [name, title, run] of BENCHMARKS) {
  if (only && only !== name) continue
  console.log(`## ${title}\n`)
  console.log(await run(), '\n')
}
