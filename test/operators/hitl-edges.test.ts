/**
 * The edges of the human-in-the-loop operators, each once a bug: a turn ending under a pending
 * submit, callbacks that throw, and a code source that ends without a code.
 */
import { EMPTY, config, map, toArray, type Observable } from 'rxjs';
import { answerInteractions } from '../../operators/answerInteractions.js';
import { confirmWrites } from '../../operators/confirmWrites.js';
import { verifyOtp } from '../../operators/verifyOtp.js';
import { otpRequiredFrame, otpSentFrame } from '../../src/testing/frames.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import { ack, error, eventual, interactionRequired, token, toolCall, toolResult, writeConfirmation } from '../fixtures/events.js';
import { harness, testScheduler } from '../client/harness.js';

const types = (turn$: Observable<TurnEvent>) => turn$.pipe(map((e) => (e.type === 'immediate_response' ? `ack${e.status}` : e.type)));
const T = { a: 'ack202', i: 'interaction_required', w: 'write_confirmation_required', k: 'stream_chunk', t: 'stream_token', e: 'eventual_response' };

/** Collects what rxjs reports as unhandled (an error thrown inside a consumer's next()). */
function withUnhandled(run: (unhandled: unknown[]) => void): void {
  const unhandled: unknown[] = [];
  const previous = config.onUnhandledError;
  config.onUnhandledError = (err) => unhandled.push(err);
  try {
    run(unhandled);
  } finally {
    config.onUnhandledError = previous;
  }
}

describe('answerInteractions', () => {
  it('completes with the turn when the turn ends while a submit is still unanswered', () => {
    // The server resumes a park by itself ("no_response" after ~300 s) while the human's submit is
    // on its way; the submit is then answered late (NO_PENDING_INTERACTION, after the end).
    // The turn's end settles the pending submit; that must not become an error of the whole
    // stream.
    const h = harness((a) => {
      if (a.action === 'send_message') {
        return [
          [1, ack(a.requestId)],
          [2, interactionRequired(a.requestId, 'ix-1')],
          [3, toolCall(a.requestId, 'request_identity_intake', {})],
          [5, toolResult(a.requestId, 'request_identity_intake', '{"status":"no_response"}')],
          [6, token(a.requestId, 'ok')],
          [7, eventual(a.requestId, 'ok')],
        ];
      }
      if (a.action === 'submit_interaction') return [[5, error(a.requestId, 'NO_PENDING_INTERACTION')]];
    });
    testScheduler().run(({ expectObservable, cold }) => {
      const turn$ = h.client.turn({ sessionId: 's', message: 'quote' }).pipe(
        answerInteractions({ identity_intake: () => cold('---(v|)', { v: { values: { email: 'a@example.com' } } }) }),
      );
      // submit sent at 5, the server's own resume at 5..7: the stream ends normally
      expectObservable(types(turn$)).toBe('-aik-kt(e|)', T);
    });
  });

  it('a handler that throws errors the stream instead of leaving the turn parked', () => {
    // The handler runs while the turn's event is being delivered (inside a consumer's next()):
    // a throw there escaping the operator is only reported as unhandled by rxjs, and the stream
    // hangs, parked.
    const h = harness((a) => (a.action === 'send_message' ? [[1, ack(a.requestId)], [2, interactionRequired(a.requestId, 'ix-1')]] : undefined));
    withUnhandled((unhandled) => {
      let caught: unknown;
      testScheduler().run(({ flush }) => {
        h.client
          .turn({ sessionId: 's', message: 'quote' })
          .pipe(
            answerInteractions({
              identity_intake: () => {
                throw new Error('form crashed');
              },
            }),
          )
          .subscribe({ error: (err: unknown) => (caught = err) });
        flush();
      });
      expect(unhandled).toEqual([]);
      expect(caught).toEqual(new Error('form crashed'));
      expect(h.sentLog()).toEqual(['send_message:1', 'cancel:1']);
    });
  });
  it('a reply that is not one (null) errors the stream instead of leaving the turn parked', () => {
    // The reply is read when the handler's Observable emits, inside its subscriber: a throw there
    // escaping the operator is only reported as unhandled, and the turn stays parked.
    const h = harness((a) => (a.action === 'send_message' ? [[1, ack(a.requestId)], [2, interactionRequired(a.requestId, 'ix-1')]] : undefined));
    withUnhandled((unhandled) => {
      let caught: unknown;
      testScheduler().run(({ flush }) => {
        h.client
          .turn({ sessionId: 's', message: 'quote' })
          .pipe(answerInteractions({ identity_intake: () => null as never }))
          .subscribe({ error: (err: unknown) => (caught = err) });
        flush();
      });
      expect(unhandled).toEqual([]);
      expect(caught).toBeInstanceOf(TypeError);
      expect(h.sentLog()).toEqual(['send_message:1', 'cancel:1']);
    });
  });
});

describe('confirmWrites', () => {
  it('a decide that throws errors the stream instead of leaving the turn parked', () => {
    // decide runs while the turn's event is being delivered (inside a consumer's next()): a throw
    // there escaping the operator is only reported as unhandled.
    const h = harness((a) => (a.action === 'send_message' ? [[1, ack(a.requestId)], [2, writeConfirmation(a.requestId, 'delete_record')]] : undefined));
    withUnhandled((unhandled) => {
      let caught: unknown;
      testScheduler().run(({ flush }) => {
        h.client
          .turn({ sessionId: 's', message: 'delete record 42' })
          .pipe(
            confirmWrites(() => {
              throw new Error('dialog crashed');
            }),
          )
          .subscribe({ error: (err: unknown) => (caught = err) });
        flush();
      });
      expect(unhandled).toEqual([]);
      expect(caught).toEqual(new Error('dialog crashed'));
      expect(h.sentLog()).toEqual(['send_message:1', 'cancel:1']);
    });
  });
});

describe('verifyOtp', () => {
  it('codes that end without a code give up like null: the held answer is still emitted', () => {
    // Once a bug: take(1) of an empty Observable (a dialog dismissed, takeUntil) completed the
    // switchMap with nothing, dropping the refused turn's held eventual_response.
    const h = harness((a) =>
      a.action === 'send_message'
        ? [
            [1, ack(a.requestId)],
            [2, otpRequiredFrame(a.requestId, { toolId: 'pay_invoice', actionDescription: 'Pay', availableChannels: ['email'], authLevel: 'otp' } as never)],
            [3, otpSentFrame(a.requestId, 'email', 'a***@example.com')],
            [4, eventual(a.requestId, 'I need to verify your identity first.')],
          ]
        : undefined,
    );
    const seen: string[] = [];
    testScheduler().run(({ flush }) => {
      h.client
        .turn({ sessionId: 's', message: 'pay' })
        .pipe(verifyOtp(() => EMPTY), map((e) => e.type), toArray())
        .subscribe((types) => seen.push(...types));
      flush();
    });
    expect(seen.at(-1)).toBe('eventual_response');
    expect(h.sentLog()).toEqual(['send_message:1']);
  });
});
