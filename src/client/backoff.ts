/**
 * Full-jitter exponential back-off: a uniformly random delay in `[0, min(max, base * 2^(attempt-1)))`.
 * Spreading reconnects over the whole window keeps a fleet of clients from reconnecting in step
 * after a server restart.
 */
export function fullJitterDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  // 2^n overflows to Infinity past attempt 1024, and 0 * Infinity is NaN: a timer that never fires.
  const ceiling = baseMs <= 0 ? 0 : Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/** The default `retryDelay`: {@link fullJitterDelay} of `baseMs` and `maxMs`. */
export function fullJitter(baseMs: number, maxMs: number): (attempt: number) => number {
  return (attempt) => fullJitterDelay(attempt, baseMs, maxMs);
}
