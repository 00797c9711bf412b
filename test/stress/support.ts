/** Helpers shared by the stress suites. */
import { config } from 'rxjs';

/** A figure line for the run's output (not Jest's console, which adds a stack trace per line). */
export function figure(suite: string, line: string): void {
  process.stdout.write(`[stress:${suite}] ${line}\n`);
}

/**
 * Collects what rxjs would otherwise rethrow on a timer (an error nobody handles, a notification
 * after the end): in these suites every one of them is a defect, counted instead of lost.
 */
export function captureUnhandled(): { readonly errors: unknown[]; restore(): void } {
  const errors: unknown[] = [];
  const previous = { onUnhandledError: config.onUnhandledError, onStoppedNotification: config.onStoppedNotification };
  config.onUnhandledError = (err) => errors.push(err);
  config.onStoppedNotification = (notification) => errors.push(new Error(`notification after the end: ${notification.kind}`));
  return {
    errors,
    restore: () => {
      config.onUnhandledError = previous.onUnhandledError;
      config.onStoppedNotification = previous.onStoppedNotification;
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
