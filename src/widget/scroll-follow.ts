/**
 * Keeps a scrolling transcript on its newest message while the reader is at the bottom; scrolled
 * up, new messages show a pill instead of pulling the reader away from what they read.
 */
export interface ScrollFollow {
  /** Call after the transcript changed. `grew`: a message was added. */
  update(grew: boolean): void
  /** Scroll to the newest message (opening the panel, a reload, the pill). */
  toBottom(): void
  stop(): void
}

// A few pixels of slack: zoom and sub-pixel layout leave scrollTop just short of the end.
const SLACK = 24

export function followScroll(scroller: HTMLElement, pill: HTMLElement): ScrollFollow {
  let atBottom = true
  const measure = (): boolean => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= SLACK
  const toBottom = (): void => {
    // Instant: a smooth scroll would read as "not at the bottom" to the scroll handler midway.
    scroller.scrollTo({ top: scroller.scrollHeight, behavior: 'instant' as ScrollBehavior })
    atBottom = true
    pill.hidden = true
  }
  const onScroll = (): void => {
    atBottom = measure()
    if (atBottom) pill.hidden = true
  }
  scroller.addEventListener('scroll', onScroll, { passive: true })
  pill.addEventListener('click', toBottom)
  return {
    update(grew) {
      if (atBottom) toBottom()
      else if (grew) pill.hidden = false
    },
    toBottom,
    stop() {
      scroller.removeEventListener('scroll', onScroll)
      pill.removeEventListener('click', toBottom)
    },
  }
}
