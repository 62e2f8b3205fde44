/**
 * On phones the on-screen keyboard shrinks the visual viewport but not the layout viewport, so a
 * full-screen panel would keep its composer under the keyboard. Track `visualViewport` and size the
 * panel to what is visible (`--_vv-height`, `--_vv-top`, read by the styles below 480 px).
 */
export function trackVisualViewport(host: HTMLElement): () => void {
  const vv = globalThis.visualViewport
  if (!vv) return () => undefined
  const apply = (): void => {
    host.style.setProperty('--_vv-height', `${Math.round(vv.height)}px`)
    host.style.setProperty('--_vv-top', `${Math.round(vv.offsetTop)}px`)
  }
  apply()
  vv.addEventListener('resize', apply)
  vv.addEventListener('scroll', apply)
  return () => {
    vv.removeEventListener('resize', apply)
    vv.removeEventListener('scroll', apply)
  }
}
