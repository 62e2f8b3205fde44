// One holdline server process on a Redis store for the benchmarks: `node redis-process.mjs URL [OPTIONS_JSON]`.
// Prints `{ port }` once listening; exits when stdin closes.
const [url, json] = process.argv.slice(2)
const { createServer } = await import('../../dist/server.js')
const server = await createServer({
  host: '127.0.0.1',
  port: 0,
  staticRoot: false,
  distRoot: false,
  store: url,
  agentTokens: { bench: { id: 'bench', name: 'Bench', capacity: 1000 } },
  limits: { maxFramesPerSecond: 100_000, burstFrames: 100_000 },
  ...JSON.parse(json ?? '{}'),
})
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`)
process.stdin.resume()
process.stdin.on('end', () => void server.close().then(() => process.exit(0)))
