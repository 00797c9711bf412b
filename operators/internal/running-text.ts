import type { OperatorFunction } from 'rxjs';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import { operate } from './operate.js';

/**
 * @internal The one fold of `text()`, `reasoning()` and `preamble()`: the text after each event
 * is `after(text, event)`, starting from `''`; it is emitted when it changes. With `firstEmitOn`,
 * an event of that type emits the text even unchanged when nothing was emitted yet (`text()`: an
 * empty final answer still yields `''`).
 *
 * One subscriber and three variables, instead of `scan` + `filter` + `map`: no state object and
 * no extra operator hop per event (this sits on the per-token path of every chat UI).
 */
export function runningText(after: (text: string, event: TurnEvent) => string, firstEmitOn?: TurnEvent['type']): OperatorFunction<TurnEvent, string> {
  return operate<TurnEvent, string>((subscriber) => {
    let text = '';
    let emitted = false;
    let flatLength = 0;
    return {
      next: (event) => {
        const next = after(text, event);
        if (next === text && (emitted || event.type !== firstEmitOn)) return;
        // `text + piece` makes a rope: one string cell (~32 bytes) per piece, kept for the whole
        // turn. Reading a character flattens it in V8; doing so each time the length has doubled
        // copies each character about twice in all and keeps a long text at ~1 byte a character
        // instead of ~4 (a no-op for the value, and in engines without ropes).
        if (next.length >= 2 * flatLength + 64) {
          next.charCodeAt(0);
          flatLength = next.length;
        } else if (next.length < flatLength) flatLength = 0;
        text = next;
        emitted = true;
        subscriber.next(next);
      },
    };
  });
}
