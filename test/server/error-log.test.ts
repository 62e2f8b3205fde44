import { describe, expect, test } from 'vitest'
import { errorLogger } from '../../src/server/error-log.js'
import { createLogger, describeError } from '../../src/server/logger.js'

describe('errorLogger', () => {
  test('one line per error; the same one repeated is written once per interval, with the count left out', () => {
    const lines: string[] = []
    let t = 0
    const logger = createLogger({ out: (l) => lines.push(`out ${l}`), err: (l) => lines.push(l) })
    const log = errorLogger(logger, { everyMs: 10_000, now: () => t })
    const outage = { error: new Error('connection lost'), context: 'customer:message' }
    log(outage)
    log(outage)
    log(outage)
    log({ error: 'not an Error', context: 'scheduler' })
    t = 10_000
    log(outage)
    log(outage)
    expect(lines).toEqual([
      'holdline error: customer:message: connection lost\n',
      'holdline error: scheduler: not an Error\n',
      'holdline error: customer:message: connection lost (and 2 more since)\n',
    ])
  })
})

describe('createLogger', () => {
  test('levels below the one asked for are dropped; text puts warnings and errors on the error stream', () => {
    const out: string[] = []
    const err: string[] = []
    const logger = createLogger({ level: 'info', out: (l) => out.push(l), err: (l) => err.push(l) })
    logger.debug('noise')
    logger.info('listening')
    logger.warn('retrying')
    logger.error('failed')
    expect(out).toEqual(['listening\n'])
    expect(err).toEqual(['holdline warn: retrying\n', 'holdline error: failed\n'])
  })

  test('json: one object per line with time, level, msg and the fields', () => {
    const out: string[] = []
    const logger = createLogger({ level: 'debug', format: 'json', out: (l) => out.push(l), err: () => expect.unreachable(), now: () => 0 })
    logger.debug('a', { n: 1 })
    logger.error('b', { context: 'scheduler' })
    expect(out.map((l) => JSON.parse(l))).toEqual([
      { time: '1970-01-01T00:00:00.000Z', level: 'debug', msg: 'a', n: 1 },
      { time: '1970-01-01T00:00:00.000Z', level: 'error', msg: 'b', context: 'scheduler' },
    ])
    expect(out.every((l) => l.endsWith('}\n') && !l.slice(0, -1).includes('\n'))).toBe(true)
  })

  test("node-redis's connection errors are described as Redis being unreachable", async () => {
    const { ClientOfflineError } = await import('@redis/client/dist/lib/errors.js')
    expect(describeError(new ClientOfflineError())).toBe('redis unreachable (The client is offline)')
    expect(describeError(new Error('other'))).toBe('other')
  })
})
