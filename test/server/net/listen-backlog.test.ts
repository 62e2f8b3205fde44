/**
 * The listen backlog: the kernel's queue of connections not yet accepted is as long as asked (capped
 * by net.core.somaxconn), so a reconnect storm waits in it rather than in SYN retries. Read back
 * from the kernel with `ss` (Send-Q of a listening socket is its backlog).
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { main } from '../../../src/server/cli.js'
import { createServer } from '../../../src/server/index.js'

function backlogOf(port: number): number {
  const line = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).trim()
  // State Recv-Q Send-Q Local Peer
  return Number(line.split(/\s+/)[2])
}

const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'))
const quiet = { out: () => undefined, err: () => undefined }

describe('listen backlog', () => {
  test('defaults to 4096 (as far as somaxconn allows), not Node\'s 511', async () => {
    const server = await createServer({ host: '127.0.0.1', port: 0, staticRoot: false, distRoot: false })
    try {
      expect(backlogOf(server.port)).toBe(Math.min(4096, somaxconn))
    } finally {
      await server.close()
    }
  })

  test('--listen-backlog sets it', async () => {
    const server = await main(['serve', '--port', '0', '--host', '127.0.0.1', '--api-only', '--listen-backlog', '77'], quiet)
    try {
      expect(backlogOf(server?.port ?? 0)).toBe(77)
    } finally {
      await server?.close()
    }
  })

  test('a backlog that is not a positive integer is refused', async () => {
    await expect(createServer({ listenBacklog: 0 })).rejects.toThrow('listenBacklog must be a positive integer')
  })
})
