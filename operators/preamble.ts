import type { OperatorFunction } from 'rxjs';
import type { TurnEvent } from '../src/turn/turn-event.js';
import { runningText } from './internal/running-text.js';

/**
 * @internal The current preamble after `event`: `stream_preamble` pieces are joined; the answer
 * replaces the preamble, so a `stream_token` or the `eventual_response` clears it (to `''`), and
 * a preamble piece after that starts a new preamble.
 */
export function preambleAfter(preamble: string, event: TurnEvent): string {
  switch (event.type) {
    case 'stream_preamble':
      return preamble + event.token;
    case 'stream_token':
    case 'eventual_response':
      return '';
    default:
      return preamble;
  }
}

/**
 * Emits the current preamble — the short "what I'm about to do" line — as it grows, and `''`
 * when the answer replaces it.
 *
 * ```
 * source:  --a--p1--p2--c--t--t--e--|   p1/p2: stream_preamble 'Let me look' / ' that up.'
 *              preamble()               c: stream_chunk   t: stream_token
 * result:  -----x---y-------z-------|   x/y: 'Let me look' / 'Let me look that up.'   z: ''
 * ```
 *
 * The preamble is replaced by the answer: the first answer token after it (or the
 * `eventual_response`, for a server that did not stream) clears it, emitting `''` once. A
 * preamble piece arriving after that (e.g. before a second tool call) starts a new preamble. Tool
 * chunks leave it in place (it describes what the tool call is doing). A cancelled turn keeps
 * the preamble it had. Emits only on a change. Errors and completion pass through unchanged.
 *
 * @example
 * ```ts
 * // Angular: @if (preamble$ | async; as line) { <p class="status">{{ line }}</p> }
 * this.preamble$ = turn$.pipe(preamble());
 * ```
 *
 * @returns An operator emitting the current preamble text (`''` once replaced by the answer).
 */
export function preamble(): OperatorFunction<TurnEvent, string> {
  return runningText(preambleAfter);
}
