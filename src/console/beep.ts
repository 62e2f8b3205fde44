/**
 * A short two-tone chime made with WebAudio: no sound file to ship or fetch. Browsers start audio
 * only after a user gesture, so `prime()` runs on the click that turns sound on.
 */
let context: AudioContext | undefined

/** Create (or resume) the audio context from a user gesture. */
export function primeAudio(): void {
  const Ctx = globalThis.AudioContext ?? (globalThis as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext
  if (!Ctx) return
  context ??= new Ctx()
  if (context.state === 'suspended') void context.resume()
}

/** Play the chime (about a quarter of a second). */
export function beep(): void {
  primeAudio()
  if (!context) return
  const start = context.currentTime
  for (const [i, frequency] of [880, 1320].entries()) {
    const osc = context.createOscillator()
    const gain = context.createGain()
    osc.type = 'sine'
    osc.frequency.value = frequency
    const t = start + i * 0.12
    gain.gain.setValueAtTime(0.0001, t)
    gain.gain.exponentialRampToValueAtTime(0.2, t + 0.02)
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.12)
    osc.connect(gain).connect(context.destination)
    osc.start(t)
    osc.stop(t + 0.13)
  }
}
