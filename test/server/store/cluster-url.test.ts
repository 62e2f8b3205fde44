/** The `redis-cluster://` store URL: its nodes and credentials read, bad ones refused at once, passwords kept out of logs. */
import { describe, expect, it } from 'vitest'
import { parseClusterUrl } from '../../../src/server/store/redis-cluster-connect.js'
import { redacted } from '../../../src/server/store/redis-connect.js'
import { resolveOptions } from '../../../src/server/options.js'

describe('redis-cluster:// URLs', () => {
  it.each([
    ['redis-cluster://127.0.0.1:7000', { rootNodes: [{ url: 'redis://127.0.0.1:7000' }] }],
    ['redis-cluster://10.0.0.1:7000,10.0.0.2:7001,redis-c:6379/', { rootNodes: [{ url: 'redis://10.0.0.1:7000' }, { url: 'redis://10.0.0.2:7001' }, { url: 'redis://redis-c:6379' }] }],
    ['redis-cluster://:s%40cret@h:1', { rootNodes: [{ url: 'redis://h:1' }], password: 's@cret' }],
    ['redis-cluster://ops:pw:with:colons@h:1,[::1]:2', { rootNodes: [{ url: 'redis://h:1' }, { url: 'redis://[::1]:2' }], username: 'ops', password: 'pw:with:colons' }],
  ])('%s', (url, expected) => {
    expect(parseClusterUrl(url)).toEqual(expected)
  })

  it.each([
    ['redis-cluster://127.0.0.1', '"127.0.0.1" is not host:port'],
    ['redis-cluster://a:1,,b:2', '"" is not host:port'],
    ['redis-cluster://a:70000', '"a:70000" is not host:port'],
    ['redis-cluster://:pw@a:0', 'redis-cluster://:***@a:0: "a:0" is not host:port'],
  ])('refuses %s: %s', (url, message) => {
    expect(() => parseClusterUrl(url)).toThrow(TypeError)
    expect(() => parseClusterUrl(url)).toThrow(message)
    // createServer refuses it at once too, with the same words.
    expect(() => resolveOptions({ store: url })).toThrow(message)
  })

  it('hides the password in logs', () => {
    expect(redacted('redis-cluster://ops:secret@h:1,h:2')).toBe('redis-cluster://ops:***@h:1,h:2')
    expect(redacted('redis-cluster://h:1,h:2')).toBe('redis-cluster://h:1,h:2')
  })
})
