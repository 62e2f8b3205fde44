/** What a refusal means, in words an agent can act on (never a bare wire code). */

/** Sign-in failures: the token, the address, the server. */
export function signInError(code: string, url: string): string {
  switch (code) {
    case 'unauthorized':
      return 'That token was not accepted. Check it with whoever runs your holdline server.'
    case 'unreachable':
      return `Cannot reach the server at ${hostOf(url)}. Still trying…`
    case 'socket-refused':
      return `The browser would not open a connection to ${hostOf(url)}. Check the address.`
    case 'origin-forbidden':
      return `The server does not allow consoles served from ${location.origin} (allowedOrigins).`
    case 'unsupported-version':
      return 'The server speaks another protocol version. Reload the page.'
    case 'server-closing':
      return 'The server is restarting. Trying again…'
    default:
      return `Signing in failed (${code}).`
  }
}

/** Refusals of an action on a chat (accept, send, end, close, transfer, note). */
export function actionError(code: string): string {
  switch (code) {
    case 'capacity-full':
      return 'You are at full capacity: close a chat before taking another.'
    case 'conflict':
      return 'Someone else got there first: the chat has already moved on.'
    case 'forbidden':
      return 'This chat is no longer assigned to you.'
    case 'not-found':
      return 'That chat no longer exists.'
    case 'text-too-long':
      return 'That message is too long.'
    case 'conversation-ended':
      return 'The chat has ended.'
    case 'rate-limited':
    case 'store-unavailable':
      return 'The server is busy; it will be tried again.'
    case 'closed':
      return 'You are signed out.'
    default:
      return `That did not work (${code}).`
  }
}

/** The error code of anything an agent action rejected with. */
export function codeOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : 'internal-error'
}

function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}
