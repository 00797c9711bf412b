import type { OperatorFunction } from 'rxjs';
import type { TurnEvent } from '../src/turn/turn-event.js';
import { runningText } from './internal/running-text.js';

/** @internal The reasoning text after `event`: the `stream_reasoning` pieces so far, joined. */
export function reasoningAfter(reasoning: string, event: TurnEvent): string {
  return event.type === 'stream_reasoning' ? reasoning + event.token : reasoning;
}

/**
 * Emits the reasoning text as it grows: the concatenation of the `stream_reasoning` pieces so
 * far, after each piece.
 *
 * ```
 * source:  --a--r1--r2--t--e--|   r1/r2: stream_reasoning 'The user wa' / 'nts a quote.'
 *              reasoning()
 * result:  -----x---y---------|   x/y: 'The user wa' / 'The user wants a quote.'
 * ```
 *
 * The reasoning channel is never part of the answer, and the final response does not repeat it:
 * the last value is all the reasoning the turn streamed. A piece that changes nothing (`''`)
 * emits nothing; a turn without reasoning emits nothing. Errors and completion pass through
 * unchanged.
 *
 * @example
 * ```ts
 * // Angular: <details><summary>Thinking…</summary>{{ reasoning$ | async }}</details>
 * this.reasoning$ = turn$.pipe(reasoning());
 * ```
 *
 * @returns An operator emitting the running reasoning text.
 */
export function reasoning(): OperatorFunction<TurnEvent, string> {
  return runningText(reasoningAfter);
}
