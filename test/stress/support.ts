/** Helpers shared by the stress suites. */
import { config } from 'rxjs';

/** A figure line for the run's output (not Jest's console, which adds a stack trace per line). */
export function figure(suite: string, line: string): void {
  process.stdout.write(`[stress:${suite}] ${line}\n`);
}

/**
 * Collects the errors rxjs would otherwise rethrow on a timer (an error nobody handles): in these
 * suites each is a defect, counted instead of lost. Notifications after the end are not counted:
 * rxjs itself makes them for any synchronous source behind `first()` (`of(x).pipe(first())`).
 */
export function captureUnhandled(): { readonly errors: unknown[]; restore(): void } {
  const errors: unknown[] = [];
  const previous = config.onUnhandledError;
  config.onUnhandledError = (err) => errors.push(err);
  return {
    errors,
    restore: () => {
      config.onUnhandledError = previous;
    },
  };
}

/** The prototypes a polluting parser or copy would change, as lists of their own keys. */
export function prototypeKeys(): string {
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype].map((proto) => Object.getOwnPropertyNames(proto).sort().join(',')).join('|');
}

/** Counts by label, printed largest first. */
export class Tally {
  private readonly counts = new Map<string, number>();
  total = 0;

  add(label: string): void {
    this.counts.set(label, (this.counts.get(label) ?? 0) + 1);
    this.total++;
  }

  get(label: string): number {
    return this.counts.get(label) ?? 0;
  }

  toString(): string {
    return [...this.counts].sort((a, b) => b[1] - a[1]).map(([label, n]) => `${label} ${n}`).join(', ');
  }
}

/** `globalThis.gc`, available under `node --expose-gc` (the test:stress script sets it). */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run under node --expose-gc (npm run test:stress sets NODE_OPTIONS=--expose-gc)');
  gc();
  gc();
}
