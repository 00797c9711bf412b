import { map, type OperatorFunction } from 'rxjs';
import type { TurnEvent } from '../src/turn/turn-event.js';
import { ofType } from './ofType.js';

/**
 * Emits the pieces of the answer (`stream_token` tokens) as they arrive.
 *
 * ```
 * source:  --a--t1--c--t2--t3--e--|    t1/t2/t3: stream_token 'Hello fr' / 'om the e' / 'ngine!'
 *              tokens()
 * result:  -----x-------y---z-----|    x/y/z: 'Hello fr' / 'om the e' / 'ngine!'
 * ```
 *
 * A piece can end mid-word or mid-character sequence: join pieces before reading them, or use
 * {@link text} for the running answer. Reasoning and preamble pieces are not part of the answer
 * and are not emitted. Errors and completion pass through unchanged.
 *
 * @example
 * ```ts
 * turn$.pipe(tokens()).subscribe((piece) => process.stdout.write(piece));
 * ```
 *
 * @returns An operator emitting each answer token string.
 */
export function tokens(): OperatorFunction<TurnEvent, string> {
  return (source) =>
    source.pipe(
      ofType('stream_token'),
      map((event) => event.token),
    );
}
