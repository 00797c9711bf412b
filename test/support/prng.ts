/**
 * A seeded PRNG (mulberry32), so a failing generated test reproduces: the stress suites print
 * their seed (`STRESS_SEED=<seed> npm run test:stress` replays it), the validator corpus takes
 * `EQUIVALENCE_SEED`.
 */
export interface Random {
  readonly seed: number;
  /** In [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  bytes(n: number): Uint8Array;
  /** Printable ASCII and some multi-byte characters. */
  text(maxLength: number): string;
}

export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const alphabet = 'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,:;!?"\'\\/{}[]-_é€😀\u0000\n';
  const chars = [...alphabet];
  return {
    seed,
    next,
    int,
    pick: <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T,
    chance: (p) => next() < p,
    bytes: (n) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = int(0, 255);
      return out;
    },
    text: (maxLength) => {
      let out = '';
      const length = int(0, maxLength);
      for (let i = 0; i < length; i++) out += chars[int(0, chars.length - 1)];
      return out;
    },
  };
}

/** The suite's seed: `STRESS_SEED` when given (to replay a failure), else a fresh one; printed either way. */
export function seeded(suite: string): Random {
  const given = process.env.STRESS_SEED;
  const seed = given !== undefined && given !== '' ? Number(given) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
  process.stdout.write(`[stress:${suite}] seed ${seed} (replay: STRESS_SEED=${seed} npm run test:stress -- ${suite})\n`);
  return mulberry32(seed);
}
