/**
 * Token bucket arithmetic: `rate` frames per second on average, bursts up to `burst`. A pure function
 * over two numbers the connection keeps, rather than an object per socket.
 * @example tokens = refill(tokens, now - last, 20, 40); if (tokens < 1) refuse('rate-limited')
 */
export function refill(tokens: number, elapsedMs: number, rate: number, burst: number): number {
  return Math.min(burst, tokens + (elapsedMs / 1000) * rate)
}
