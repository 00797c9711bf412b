import { Observable, type OperatorFunction, type Subscriber } from 'rxjs';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import { OperatorSubscriber, subscribeWith } from './operate.js';

type After = (text: string, event: TurnEvent) => string;

/**
 * @internal The one fold of `text()`, `reasoning()` and `preamble()`: the text after each event
 * is `after(text, event)`, starting from `''`; it is emitted when it changes. With `firstEmitOn`,
 * an event of that type emits the text even unchanged when nothing was emitted yet (`text()`: an
 * empty final answer still yields `''`).
 *
 * One subscriber holding its three variables, instead of `scan` + `filter` + `map`: no extra
 * operator hop per event (this sits on the per-token path of every chat UI), and one object per
 * subscription (an open turn's memory is budgeted).
 */
export function runningText(after: After, firstEmitOn?: TurnEvent['type']): OperatorFunction<TurnEvent, string> {
  return (source) =>
    new Observable<string>((subscriber) => {
      subscribeWith(source, new RunningText(subscriber, after, firstEmitOn), subscriber);
    });
}

class RunningText extends OperatorSubscriber<TurnEvent> {
  private text = '';
  private emitted = false;
  private flatLength = 0;

  constructor(
    private readonly subscriber: Subscriber<string>,
    private readonly after: After,
    private readonly firstEmitOn: TurnEvent['type'] | undefined,
  ) {
    super(subscriber);
  }

  protected override handle(event: TurnEvent): void {
    const next = this.after(this.text, event);
    if (next === this.text && (this.emitted || event.type !== this.firstEmitOn)) return;
    // `text + piece` makes a rope: one string cell (~32 bytes) per piece, kept for the whole
    // turn. Reading a character flattens it in V8; doing so each time the length has doubled
    // copies each character about twice in all and keeps a long text at ~1 byte a character
    // instead of ~4 (a no-op for the value, and in engines without ropes).
    if (next.length >= 2 * this.flatLength + 64) {
      next.charCodeAt(0);
      this.flatLength = next.length;
    } else if (next.length < this.flatLength) this.flatLength = 0;
    this.text = next;
    this.emitted = true;
    this.subscriber.next(next);
  }
}
