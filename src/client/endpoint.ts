import { combineLatest, defer, first, from, isObservable, map, of, type Observable } from 'rxjs';
import type { ResolvedOptions } from './options.js';
import { endpointOf } from './url.js';

/** The endpoint of plain `url` and `token` values; `undefined` when a function gives either, or the URL does not parse. */
export function staticEndpoint({ url, token }: Pick<ResolvedOptions, 'url' | 'token'>): string | undefined {
  if (typeof url === 'function' || typeof token === 'function') return undefined;
  try {
    return endpointOf(url, token);
  } catch {
    return undefined;
  }
}

/** The url and token of one attempt, each given as a value or a function of one (sync, Promise or Observable). */
export function resolveEndpoint(url: ResolvedOptions['url'], token: ResolvedOptions['token']): Observable<{ url: string; token: string | undefined }> {
  return defer(() => combineLatest([evaluate(url), evaluate(token)])).pipe(
    first(),
    map(([u, t]) => ({ url: endpointOf(u, t), token: t })),
  );
}

function evaluate<T>(value: T | (() => T | PromiseLike<T> | Observable<T>)): Observable<T> {
  if (typeof value !== 'function') return of(value);
  const result = (value as () => T | PromiseLike<T> | Observable<T>)();
  return isObservable(result) || isPromiseLike(result) ? from(result) : of(result);
}

function isPromiseLike<T>(value: unknown): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
