import { Subscription, type MonoTypeOperatorFunction, type Observable, type Subscriber } from 'rxjs';
import { SmoothNoTurnContextError, SmoothProtocolError } from '../../src/errors.js';
import { findTurnOf, type TurnContext } from '../../src/turn/context.js';
import { endsTurn, isMootRefusal, resumesTurn, type TypesOf } from '../../src/turn/rules.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import type { EventOfType } from '../ofType.js';
import { operate, subscribeFor } from './operate.js';

/** Whether `event` shows a pending ask resolved: the turn went on (answered by us or by the server itself) or ended. */
export function resolvesAsk(event: TurnEvent): boolean {
  return resumesTurn(event) || endsTurn(event.type);
}

const ignore = (): void => undefined;

/**
 * @internal One ask of a turn (a write confirmation, an interaction) being answered by a
 * human-in-the-loop operator: the human's part (a dialog, a form), then the answers sent.
 *
 * Once the ask is resolved without it, the human's part is unsubscribed, so a dialog left open
 * sends nothing; an answer already on its way that the server then refuses as moot is not the
 * stream's error (the client reports it on `diagnostics$`). Unsubscribing the Ask drops all.
 * A throw in `onDecision` / `onOutcome` errors the stream, like an error of the human's part.
 */
export class Ask extends Subscription {
  private resolved = false;
  private readonly deciding = new Subscription();

  constructor(private readonly subscriber: Subscriber<never>) {
    super();
    this.add(this.deciding);
  }

  /** The turn went on or ended: the human's answer is no longer wanted. */
  resolve(): void {
    this.resolved = true;
    this.deciding.unsubscribe();
  }

  /** Runs the human's part, then `onDecision` with its one value, unless the ask was resolved meanwhile. */
  decide<T>(decision$: Observable<T>, onDecision: (decision: T) => void): void {
    if (this.resolved) return;
    const next = (decision: T): void => {
      if (!this.resolved) onDecision(decision);
    };
    subscribeFor(decision$, this.subscriber, { next, complete: ignore }, this.deciding);
  }

  /** Sends an answer: it runs to its end, even if the ask is resolved meanwhile; outcomes after that are ignored. */
  send<T>(answer$: Observable<T>, onOutcome?: (outcome: T) => void): void {
    const next = (outcome: T): void => {
      if (!this.resolved) onOutcome?.(outcome);
    };
    const error = (err: unknown): void => {
      if (this.resolved && err instanceof SmoothProtocolError && isMootRefusal(err.code)) return;
      this.subscriber.error(err);
    };
    subscribeFor(answer$, this.subscriber, { next, error, complete: ignore }, this);
  }
}

/** The asks that park a turn on a human (their role in the rule table). */
export type ParkingAsk = TypesOf<'ask'>;

/**
 * @internal The skeleton of a human-in-the-loop operator: passes every event through and answers
 * each ask of type `type` in the stream.
 *
 * After emitting an ask (unless the consumer left on it) it calls `prepare(event)`, which returns
 * how to answer it, or `undefined` to leave it to the caller. The answer runs with a new
 * {@link Ask} and the turn's context (an ask without one errors the stream with
 * `SmoothNoTurnContextError`). An ask is resolved — what is still pending of it unsubscribed —
 * when the turn goes on or ends, or when the server asks anew. Every answer ends with the stream.
 */
export function answerAsks<K extends ParkingAsk>(
  type: K,
  prepare: (event: EventOfType<TurnEvent, K>) => ((ask: Ask, context: TurnContext) => void) | undefined,
): MonoTypeOperatorFunction<TurnEvent> {
  return operate<TurnEvent, TurnEvent>((subscriber) => {
    // The ask the turn is parked on.
    let current: Ask | undefined;
    return {
      next: (event) => {
        if (current !== undefined && resolvesAsk(event)) {
          current.resolve();
          current = undefined;
        }
        subscriber.next(event);
        if (subscriber.closed || event.type !== type) return;
        current?.resolve(); // the server is past an ask it asks anew
        current = undefined;
        const answer = prepare(event as EventOfType<TurnEvent, K>);
        if (answer === undefined) return;
        const context = findTurnOf(event);
        if (context === undefined) return subscriber.error(new SmoothNoTurnContextError());
        const ask = (current = new Ask(subscriber));
        subscriber.add(ask);
        answer(ask, context);
      },
    };
  });
}
