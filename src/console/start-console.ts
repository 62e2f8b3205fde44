/**
 * The agent console: sign in with a token, then the workspace. Signing in says plainly what went
 * wrong (a refused token, an unreachable server) and keeps trying while the server is away.
 */
import { createAgent, type Agent } from '../agent/index.js'
import { h } from './dom.js'
import { codeOf, signInError } from './errors.js'
import { createSignIn } from './sign-in.js'
import { forgetToken, rememberToken, rememberedToken, takeTokenFromHash } from './token-store.js'
import { createWorkspace, type Workspace } from './workspace.js'

/** Options of {@link startConsole}. */
export interface ConsoleOptions {
  /** Where the console lives in the page. */
  root: HTMLElement
  /** The holdline server's base URL. @default location.origin */
  url?: string
}

/**
 * Mount the console in `root`.
 * @example startConsole({ root: document.getElementById('holdline-console')!, url: 'https://chat.example.com' })
 */
export function startConsole(options: ConsoleOptions): void {
  const url = options.url ?? location.origin
  let agent: Agent | undefined
  let workspace: Workspace | undefined
  const signIn = createSignIn(
    (token) => begin(token),
    () => {
      agent?.disconnect()
      agent = undefined
      signIn.show()
    },
  )
  const shell = h('div', { class: 'hl-console' }, signIn.el)
  options.root.replaceChildren(shell)

  function begin(token: string): void {
    agent?.disconnect()
    signIn.waiting()
    const attempt = createAgent({ url, token })
    agent = attempt
    // The socket failing before the server's `ready`: the server is away. The SDK keeps trying.
    const offConnection = attempt.on('connection', ({ state }) => {
      if (state === 'reconnecting') signIn.waiting(signInError('unreachable', url))
    })
    attempt.connect().then(
      ({ agent: me }) => {
        offConnection()
        if (agent !== attempt) return
        rememberToken(token)
        workspace = createWorkspace(attempt, me, signOut)
        signIn.el.hidden = true
        shell.append(workspace.el)
      },
      (error: unknown) => {
        offConnection()
        if (agent !== attempt) return
        attempt.disconnect()
        agent = undefined
        const code = codeOf(error)
        if (code === 'unauthorized') forgetToken()
        signIn.show(signInError(code, url))
      },
    )
  }

  function signOut(): void {
    agent?.disconnect()
    agent = undefined
    workspace?.destroy()
    workspace?.el.remove()
    workspace = undefined
    forgetToken()
    signIn.el.hidden = false
    signIn.show()
  }

  const token = takeTokenFromHash() ?? rememberedToken()
  if (token) begin(token)
  else signIn.show()
}
