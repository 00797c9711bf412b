import { asyncScheduler, defaultIfEmpty, defer, of, take, throwError, timeout, type MonoTypeOperatorFunction, type Observable, type SchedulerLike } from 'rxjs';
import type { WriteConfirmationRequiredEvent } from '../src/generated/types.js';
import type { TurnEvent } from '../src/turn/turn-event.js';
import { fromAnswer, type Answerable } from './internal/answer.js';
import { answerAsks } from './internal/ask.js';

export interface ConfirmWritesOptions {
  /**
   * How long to wait for a decision. A turn waiting for a human has no inactivity timeout, so
   * by default an undecided write leaves the turn parked until the stream is unsubscribed.
   * @default undefined (wait for ever)
   */
  decisionTimeoutMs?: number;
  /**
   * What an expired decision becomes: `'deny'` sends `approved: false`; `'error'` errors the
   * stream (unsubscribing cancels the turn).
   * @default 'deny'
   */
  onDecisionTimeout?: 'deny' | 'error';
  /**
   * Scheduler of the decision timeout.
   * @default asyncScheduler
   */
  scheduler?: SchedulerLike;
}

/**
 * Answers every write confirmation of a turn with `decide(event)`, inside the stream.
 *
 * Passes every event through; on `write_confirmation_required` it calls `decide` (a boolean, a
 * Promise or an Observable of one: its first value counts) and sends `confirm_tool_action`. The
 * server's ack and the resumed events continue in the same stream.
 *
 * What `decide` does decides the outcome:
 * - returns `true` / `false` (now or later): that answer is sent;
 * - completes without a value (a dismissed dialog, `afterClosed().pipe(filter(Boolean))`): denied
 *   (`approved: false`), at once, `decisionTimeoutMs` or not;
 * - throws or errors: the stream errors with that error, which cancels the turn;
 * - never emits: the turn stays parked until `decisionTimeoutMs` (then `onDecisionTimeout`) or
 *   until the stream is unsubscribed.
 *
 * `decide` is not called when the consumer left at the ask (e.g. `takeWhile(…, true)`), nor for
 * an event without a turn context (a copy): that errors the stream with
 * `SmoothNoTurnContextError`. An ask resolved without us (the turn went on or ended) unsubscribes
 * a decision still pending, and nothing is sent; a confirm the server then refuses as moot
 * (`NO_PENDING_CONFIRMATION` after the turn went on) is not an error of the stream. Any other
 * error answering the confirm (e.g. `NO_PENDING_CONFIRMATION` while still parked) errors the
 * stream, which cancels the turn.
 *
 * ```
 * turn:     -a-w-k-------o-r-t-e|
 * decide:       (w) ----true|
 *                      ↳ confirm_tool_action { approved: true }
 * result:   -a-w-k-------o-r-t-e|
 *
 * a: 202 ack   w: write_confirmation_required   k: toolCall chunk
 * o: 200 ack of the confirm   r: toolResult chunk   t: token   e: eventual_response
 * ```
 *
 * @example
 * client.turn({ sessionId, message: 'delete record 42' }).pipe(
 *   confirmWrites((ask) => window.confirm(ask.data.data.actionDescription)),
 *   text(),
 * ).subscribe(render);
 */
export function confirmWrites(
  decide: (event: WriteConfirmationRequiredEvent) => Answerable<boolean>,
  options: ConfirmWritesOptions = {},
): MonoTypeOperatorFunction<TurnEvent> {
  const { decisionTimeoutMs, onDecisionTimeout = 'deny', scheduler = asyncScheduler } = options;
  return answerAsks('write_confirmation_required', (event) => (ask, context) => {
    // defer: a decide that throws errors the stream (cancelling the turn) instead of escaping.
    let decision$ = defer(() => fromAnswer(decide(event))).pipe(take(1));
    if (decisionTimeoutMs !== undefined) {
      decision$ = decision$.pipe(timeout({ first: decisionTimeoutMs, scheduler, with: () => (onDecisionTimeout === 'deny' ? of(false) : timeoutError(decisionTimeoutMs)) }));
    }
    ask.decide(decision$.pipe(defaultIfEmpty(false)), (approved) => ask.send(context.confirm(approved)));
  });
}

function timeoutError(ms: number): Observable<never> {
  return throwError(() => new ConfirmDecisionTimeoutError(ms));
}

/** No decision on a write confirmation within `decisionTimeoutMs` (with `onDecisionTimeout: 'error'`). */
export class ConfirmDecisionTimeoutError extends Error {
  override readonly name = 'ConfirmDecisionTimeoutError';
  readonly code = 'DECISION_TIMEOUT';
  constructor(readonly timeoutMs: number) {
    super(`no decision on the write confirmation within ${timeoutMs} ms`);
  }
}
