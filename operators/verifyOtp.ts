import { EMPTY, concat, defaultIfEmpty, defer, mergeMap, of, switchMap, take, type MonoTypeOperatorFunction, type Observable } from 'rxjs';
import type { EventualResponseEvent, OtpInvalid, OtpSent, OtpVerificationRequiredEvent } from '../src/generated/types.js';
import { turnOf } from '../src/turn/context.js';
import type { TurnEvent } from '../src/turn/turn-event.js';
import { fromAnswer, type Answerable } from './internal/answer.js';

/** A one-time-code request, as the code provider sees it. */
export interface OtpAsk {
  /** The tool that needs the verified identity. */
  readonly toolId: string;
  readonly actionDescription: string | undefined;
  readonly channels: readonly string[];
  /** Where the server sent the code (`otp_sent`), if it said. */
  readonly sent: OtpSent | undefined;
  /** 1 on the first call; +1 after each `otp_invalid`. */
  readonly attempt: number;
  /** The server's answer to the previous code (attempts remaining, message); undefined on the first. */
  readonly invalid: OtpInvalid | undefined;
  readonly event: OtpVerificationRequiredEvent;
}

/**
 * Gets past the agent's identity check inside the stream: obtains a one-time code, verifies
 * it, and re-sends the original message, so the answered turn continues in the same stream.
 *
 * Servers do not resume across OTP: the turn that asked completes without the gated tool. When
 * a turn asked (`otp_verification_required`), this holds back its `eventual_response`, calls
 * `codes(ask)` once the turn has ended, sends `verify_otp`, asks again on `otp_invalid` while
 * attempts remain, and after `otp_verified` follows with a new turn of the same message (the
 * `otp_*` answers are emitted in between); so `text()`, `transcript()` and `finalResponse()`
 * after it show the answered turn (they start afresh on its 202).
 *
 * What `codes` does decides the outcome (its first value counts):
 * - returns a code (now, as a Promise or an Observable): it is verified;
 * - returns `null`, or completes without a value (a dismissed prompt): gives up: the held answer
 *   is emitted and the stream completes; so it does when attempts run out;
 * - throws or errors: the stream errors with that error (the refused turn has already ended, so
 *   nothing is cancelled and its held answer is not emitted);
 * - never emits: the stream stays open, the refused turn's answer held, until unsubscribed.
 *
 * An ask without a turn context (a copied event) errors the stream with
 * `SmoothNoTurnContextError`, without calling `codes`.
 *
 * ```
 * turn:     -a-q-s-t-e|                    (q: otp_verification_required, s: otp_sent)
 * codes:             (q) --"123456"|        ↳ verify_otp → otp_verified (v)
 * resend:                          -a-k-r-t-e|
 * result:   -a-q-s-t--------------v-a-k-r-t-e|
 * ```
 *
 * @example
 * client.turn({ sessionId, message: 'Pay my invoice' }).pipe(
 *   verifyOtp((ask) => prompt(`Code sent to ${ask.sent?.maskedDestination}`)),
 *   finalResponse(),
 * ).subscribe((answer) => render(answer.text));
 */
export function verifyOtp(codes: (ask: OtpAsk) => Answerable<string | null>): MonoTypeOperatorFunction<TurnEvent> {
  return (source) =>
    defer(() => {
      let asked: OtpVerificationRequiredEvent | undefined;
      let sent: OtpSent | undefined;
      let held: EventualResponseEvent | undefined;
      const turn$ = source.pipe(
        mergeMap((event) => {
          if (event.type === 'otp_verification_required') asked = event;
          if (event.type === 'otp_sent') sent = event.data.data;
          if (event.type === 'eventual_response' && asked !== undefined) {
            held = event;
            return EMPTY;
          }
          return of(event);
        }),
      );
      const verify = (ask: OtpVerificationRequiredEvent, answer: EventualResponseEvent, attempt: number, invalid: OtpInvalid | undefined): Observable<TurnEvent> => {
        const request = ask.data.data;
        const context = turnOf(ask);
        return defer(() => fromAnswer(codes({ toolId: request.toolId, actionDescription: request.actionDescription, channels: request.availableChannels ?? [], sent, attempt, invalid, event: ask }))).pipe(
          take(1),
          // A dismissed prompt (no code at all) gives up like null.
          defaultIfEmpty(null),
          switchMap((code) => {
            if (code === null) return of(answer);
            return context.verifyOtp(code).pipe(
              switchMap((outcome): Observable<TurnEvent> => {
                if (outcome.type === 'otp_verified') return concat(of(outcome), context.resend().pipe(verifyOtp(codes)));
                const rejected = outcome.data.data;
                return concat(of(outcome), rejected.attemptsRemaining > 0 ? verify(ask, answer, attempt + 1, rejected) : of(answer));
              }),
            );
          }),
        );
      };
      return concat(turn$, defer(() => (asked !== undefined && held !== undefined ? verify(asked, held, 1, undefined) : EMPTY)));
    });
}
