/**
 * Token bucket arithmetic: `rate` frames per second on average, bursts up to `burst`. A pure function
 * over two numbers the connection keeps, rather than an object per socket. The bucket counts
 * milli-tokens: `rate` tokens a second is `rate` milli-tokens a millisecond, so with whole-millisecond
 * clocks the count stays a small integer, which V8 keeps in the object without a boxed number.
 * @example milli = refill(milli, now - last, 20, 40); if (milli < TOKEN) refuse('rate-limited')
 */
export function refill(milliTokens: number, elapsedMs: number, rate: number, burst: number): number {
  return Math.min(burst * TOKEN, milliTokens + elapsedMs * rate)
}

/** One token, in milli-tokens. */
export const TOKEN = 1000
