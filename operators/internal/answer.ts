import { from, isObservable, of, type Observable } from 'rxjs';

/** What a human-in-the-loop callback may return: a value now, later (Promise), or as an Observable. */
export type Answerable<T> = T | PromiseLike<T> | Observable<T>;

export function fromAnswer<T>(answer: Answerable<T>): Observable<T> {
  if (isObservable(answer)) return answer;
  if (typeof (answer as PromiseLike<T> | undefined)?.then === 'function') return from(answer as PromiseLike<T>);
  return of(answer as T);
}
