/** The server's URLs, from the base URL a site gives (`https://chat.example.com`, or `wss://...`). */

function withPath(base: string, path: string, protocols: Record<string, string>): string {
  const url = new URL(base)
  url.protocol = protocols[url.protocol] ?? url.protocol
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`
  url.search = ''
  url.hash = ''
  return url.toString()
}

/**
 * The socket URL of one side for a base URL.
 * @example socketUrl('https://h/p', 'agent') // 'wss://h/p/v1/agent'
 */
export function socketUrl(base: string, side: 'customer' | 'agent'): string {
  return withPath(base, `/v1/${side}`, { 'http:': 'ws:', 'https:': 'wss:' })
}

/** The away beacon URL for a base URL: `wss://h/p` -> `https://h/p/v1/away`. */
export function awayBeaconUrl(base: string): string {
  return withPath(base, '/v1/away', { 'ws:': 'http:', 'wss:': 'https:' })
}
