/**
 * What the bench's clients change from the defaults: the bench measures CPU, not latency, and on a
 * loaded machine 200 sessions created at once while 200 turns stream can take longer than the
 * default 30 s request timeout; a socket is never closed as idle between samples. A module of its
 * own, so that the contenders' modules import it without importing each other.
 */
export const BENCH_CLIENT_OPTIONS = { lazyCloseTimeoutMs: 600_000, requestTimeoutMs: 300_000 } as const;
