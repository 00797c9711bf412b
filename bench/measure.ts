/** CPU, heap and statistics helpers of the bench. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A full garbage collection: `--expose-gc` if given, else the flag switched on at run time. */
export const collectGarbage: () => void = (() => {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** Several collections, so that weak references and finalizers settle before a heap reading. */
export function settledHeap(): number {
  for (let i = 0; i < 4; i++) collectGarbage();
  return process.memoryUsage().heapUsed;
}

export interface CpuSample {
  /** CPU (user + system) of this process, µs. */
  readonly cpuUs: number;
  readonly wallMs: number;
  readonly events: number;
  readonly cpuUsPerEvent: number;
}

/** Runs `work` (which resolves with the events it processed) and measures this process's CPU meanwhile. */
export async function measureCpu(work: () => Promise<number>): Promise<CpuSample> {
  collectGarbage(); // the previous contender's garbage is not this one's cost
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const events = await work();
  const used = process.cpuUsage(cpu);
  const cpuUs = used.user + used.system;
  return { cpuUs, wallMs: performance.now() - wall, events, cpuUsPerEvent: cpuUs / events };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The nearest-rank percentile (`p` in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}
