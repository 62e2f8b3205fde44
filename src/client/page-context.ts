/**
 * Customer context (the `context` option): the page the customer is on goes in every `hello`, and
 * in a `page` frame after each navigation inside the page. Single-page apps navigate with
 * `history.pushState`/`replaceState`, which fire no event, so a started chat wraps those two, once,
 * and puts them back when it is destroyed.
 */
import type { PageInfo } from '../protocol/context.js'
import type { Runtime } from './runtime.js'

const EVENTS = ['popstate', 'hashchange']

/**
 * The page as the agent sees it, cut to the server's limits. The query string stays out: it often
 * holds what no agent should read (sign-in tokens, emails, tracking ids). Undefined with
 * `context: false`, or where there is no page (Node, workers).
 */
export function currentPage(rt: Runtime): PageInfo | undefined {
  const { location: l, document: d } = globalThis
  if (rt._options.context !== false && d) return { url: (l.origin + l.pathname + l.hash).slice(0, 2048), title: d.title.slice(0, 300) }
}

/**
 * Tells the server of each navigation inside the page while the session is up; returns the undo. A
 * navigation is told a moment later: an app sets the new title after it changes the URL, and a burst
 * of them (a router's replaceState on scroll) goes as one. The server counts the same page again as
 * no new visit.
 */
export function watchPages(rt: Runtime): () => void {
  const h = globalThis.history
  let timer: ReturnType<typeof setTimeout>
  const notify = (): void => {
    clearTimeout(timer)
    timer = setTimeout(() => {
      const page = rt._phase === 'ready' && currentPage(rt)
      if (page) rt._transport?.send({ type: 'page', ...page })
    }, 300)
  }
  if (!currentPage(rt) || !h) return () => {}
  const undo = (['pushState', 'replaceState'] as const).map((name) => {
    const original = h[name]
    const wrapper = (h[name] = (...args: Parameters<History['pushState']>) => {
      original.apply(h, args)
      notify()
    })
    // Wrapped again by another script since: theirs stays, and ours inside it, told of a navigation,
    // finds the chat destroyed and sends nothing.
    return () => h[name] === wrapper && (h[name] = original)
  })
  for (const name of EVENTS) addEventListener(name, notify)
  return () => {
    clearTimeout(timer)
    undo.forEach((u) => u())
    for (const name of EVENTS) removeEventListener(name, notify)
  }
}
