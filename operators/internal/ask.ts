import { Subscription, type Observable, type Subscriber } from 'rxjs';
import { SmoothProtocolError } from '../../src/errors.js';
import { endsTurn, isMootRefusal, resumesTurn } from '../../src/turn/rules.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';

/** Whether `event` shows a pending ask resolved: the turn went on (answered by us or by the server itself) or ended. */
export function resolvesAsk(event: TurnEvent): boolean {
  return resumesTurn(event) || endsTurn(event.type);
}

/**
 * @internal One ask of a turn (a write confirmation, an interaction) being answered by a
 * human-in-the-loop operator: the human's part (a dialog, a form), then the answers sent.
 *
 * Once the ask is resolved without it, the human's part is unsubscribed, so a dialog left open
 * sends nothing; an answer already on its way that the server then refuses as moot is not the
 * stream's error (the client reports it on `diagnostics$`). Unsubscribing the Ask drops all.
 */
export class Ask extends Subscription {
  private resolved = false;
  private readonly deciding = new Subscription();

  constructor(private readonly subscriber: Subscriber<unknown>) {
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
    this.deciding.add(
      decision$.subscribe({
        next: (decision) => {
          if (!this.resolved) onDecision(decision);
        },
        error: (err: unknown) => this.subscriber.error(err),
      }),
    );
  }

  /** Sends an answer: it runs to its end, even if the ask is resolved meanwhile; outcomes after that are ignored. */
  send<T>(answer$: Observable<T>, onOutcome?: (outcome: T) => void): void {
    this.add(
      answer$.subscribe({
        next: (outcome) => {
          if (!this.resolved) onOutcome?.(outcome);
        },
        error: (err: unknown) => {
          if (this.resolved && err instanceof SmoothProtocolError && isMootRefusal(err.code)) return;
          this.subscriber.error(err);
        },
      }),
    );
  }
}
