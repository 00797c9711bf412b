import { map, type OperatorFunction } from 'rxjs';
import type { Citation } from '../src/generated/types.js';
import type { TurnEvent } from '../src/turn/turn-event.js';
import { eventualResponse } from './finalResponse.js';

/**
 * Emits the sources the answer was grounded on, once, when the turn's `eventual_response`
 * arrives; then completes.
 *
 * ```
 * source:  --a--t--t--e--|          e: eventual_response with citations [c1, c2]
 *              citations()
 * result:  -----------(x|)          x: [c1, c2]   ([] when e carries none)
 * ```
 *
 * Completes at the turn's end like {@link finalResponse}: without a value after `cancelled`.
 * Errors before the end pass through.
 *
 * @example
 * ```ts
 * turn$.pipe(citations()).subscribe((sources) => {
 *   this.sources = sources.map(({ title, url }) => ({ title, url }));
 * });
 * ```
 *
 * @returns An operator emitting one `Citation[]` (possibly empty).
 */
export function citations(): OperatorFunction<TurnEvent, Citation[]> {
  return (source) =>
    source.pipe(
      eventualResponse(),
      map((event) => event.data.data.citations ?? []),
    );
}
