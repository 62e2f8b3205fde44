/**
 * The agent token, remembered for this tab only (sessionStorage): a reload signs back in, closing
 * the tab forgets it. Storage can be refused (private modes, policies): the console then asks again.
 */
const KEY = 'holdline:console-token'

export function rememberedToken(): string | undefined {
  try {
    return sessionStorage.getItem(KEY) ?? undefined
  } catch {
    return undefined
  }
}

export function rememberToken(token: string): void {
  try {
    sessionStorage.setItem(KEY, token)
  } catch {
    // Not remembered: the next reload asks again, which is all that is lost.
  }
}

export function forgetToken(): void {
  try {
    sessionStorage.removeItem(KEY)
  } catch {
    // Nothing was stored.
  }
}

/**
 * A token handed over in the address (`agent.html#token=...`, as the demo server prints it): taken
 * once and removed from the address bar, so it stays out of the history and of shared screenshots.
 */
export function takeTokenFromHash(): string | undefined {
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? undefined
  if (token !== undefined) history.replaceState(null, '', location.pathname + location.search)
  return token || undefined
}
