import { filter, map, type OperatorFunction } from 'rxjs';
import type { Usage } from '../src/generated/types.js';
import type { TurnEvent } from '../src/turn/turn-event.js';
import { eventualResponse } from './finalResponse.js';

/**
 * Emits the model usage of the turn (tokens, cost), once, when its `eventual_response` arrives;
 * then completes.
 *
 * ```
 * source:  --a--t--e--|             e: eventual_response with usage u
 *              usage()
 * result:  --------(u|)
 * ```
 *
 * Emits nothing (and completes at the turn's end) when the response carries no usage or the
 * turn was cancelled. Errors before the end pass through.
 *
 * @example
 * ```ts
 * turn$.pipe(usage()).subscribe(({ promptTokens = 0, completionTokens = 0, costUsd = 0 }) =>
 *   meter.record(promptTokens + completionTokens, costUsd),
 * );
 * ```
 *
 * @returns An operator emitting at most one `Usage`.
 */
export function usage(): OperatorFunction<TurnEvent, Usage> {
  return (source) =>
    source.pipe(
      eventualResponse(),
      map((event) => event.data.data.usage),
      filter((value): value is Usage => value !== undefined && value !== null),
    );
}
