import type { OperatorFunction } from 'rxjs';
import type { TurnEvent } from '../src/turn/turn-event.js';
import { finalResponseOf } from './finalResponse.js';
import { startsTurn } from '../src/turn/rules.js';
import { runningText } from './internal/running-text.js';

/**
 * @internal The answer text after `event`: the tokens so far joined, replaced by the final
 * answer (`responseParts` joined with '\n') when `eventual_response` arrives, and `''` again
 * when a new turn starts (its 202).
 */
export function answerAfter(answer: string, event: TurnEvent): string {
  if (event.type === 'stream_token') return answer + event.token;
  if (event.type === 'eventual_response') return finalResponseOf(event).text;
  if (startsTurn(event)) return '';
  return answer;
}

/**
 * Emits the answer as it grows: the concatenation of the tokens so far, after each token; then
 * the final answer when `eventual_response` arrives, if it differs.
 *
 * ```
 * source:  --a--t1--t2--t3--e--|   t1/t2/t3: stream_token 'Hello fr' / 'om the e' / 'ngine!'
 *              text()              e: eventual_response, responseParts ['Hello from the engine!']
 * result:  -----x---y---z------|   x/y/z: 'Hello fr' / 'Hello from the e' / 'Hello from the engine!'
 *
 * source:  --a--------------e--|   (a server that did not stream)
 *              text()
 * result:  -----------------z--|
 * ```
 *
 * The final answer is `responseParts` joined with '\n'. It is emitted when it differs from the
 * streamed text (a server that did not stream, or streamed something else), or when nothing was
 * emitted yet (an empty answer still yields `''`), so after an `eventual_response` the last value
 * is always the complete answer. A token that changes nothing (`''`) emits nothing. A cancelled
 * turn ends with what was streamed so far. Reasoning and preamble are never part of the answer.
 * When a new turn starts in the same stream (its 202: the message re-sent by `verifyOtp`, a
 * `retry()`), the answer starts afresh: `''` is emitted (unless the answer was empty already), then
 * the new turn's answer grows from nothing. Errors and completion pass through unchanged.
 *
 * @example
 * ```ts
 * // Angular: <p>{{ answer$ | async }}</p>
 * this.answer$ = turn$.pipe(text());
 * ```
 *
 * @returns An operator emitting the running answer text.
 */
export function text(): OperatorFunction<TurnEvent, string> {
  return runningText(answerAfter, 'eventual_response');
}
