/**
 * How the human-in-the-loop operators end an ask: a decision that completes empty, an ask the
 * server resolved by itself while the dialog was open, an event with no turn context, and a
 * consumer that left at the ask.
 */
import { config, filter, from, map, takeUntil, takeWhile, timer, type Observable } from 'rxjs';
import { answerInteractions } from '../../operators/answerInteractions.js';
import { confirmWrites } from '../../operators/confirmWrites.js';
import { verifyOtp } from '../../operators/verifyOtp.js';
import { SmoothNoTurnContextError } from '../../src/errors.js';
import { otpRequiredFrame } from '../../src/testing/frames.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import { ack, error, eventual, interactionInvalid, interactionRequired, ok, token, toolCall, toolResult, writeConfirmation } from '../fixtures/events.js';
import { harness, testScheduler, type Script } from '../client/harness.js';

const types = (turn$: Observable<TurnEvent>) => turn$.pipe(map((e) => (e.type === 'immediate_response' ? `ack${e.status}` : e.type)));
const T = { a: 'ack202', o: 'ack200', w: 'write_confirmation_required', i: 'interaction_required', k: 'stream_chunk', t: 'stream_token', e: 'eventual_response' };

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

const turnIdOf = (socket: Parameters<Script>[1]) => socket.sent.find((s) => s.action === 'send_message')?.requestId ?? '';

/** Parks at 2 (ask) / 3 (toolCall); an answer is acked 1 frame later, then result, answer. */
const gatedWrite: Script = (a, socket) => {
  if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, writeConfirmation(a.requestId, 'delete_record')], [3, toolCall(a.requestId, 'delete_record', {})]];
  if (a.action === 'confirm_tool_action') return [[1, ok(a.requestId, { sessionId: a.sessionId, approved: a.approved })], [2, toolResult(turnIdOf(socket), 'delete_record', a.approved ? 'deleted' : 'Denied by human', !a.approved)], [3, eventual(turnIdOf(socket), 'ok')]];
};
const gatedForm: Script = (a) => {
  if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, interactionRequired(a.requestId, 'ix-1')], [3, toolCall(a.requestId, 'request_identity_intake', {})]];
  if (a.action === 'submit_interaction') return [[1, ok(a.requestId, { sessionId: a.sessionId, interactionId: a.interactionId })], [2, toolResult(a.requestId, 'request_identity_intake', '{"status":"declined"}')], [3, eventual(a.requestId, 'ok')]];
};

describe('a decision that completes empty', () => {
  it('confirmWrites: an empty decision (a dismissed dialog) denies', () => {
    const h = harness(gatedWrite);
    testScheduler().run(({ expectObservable, cold }) => {
      // afterClosed().pipe(filter(Boolean)): the dialog was dismissed at 5
      const dismissed = () => cold<boolean>('---(f|)', { f: false }).pipe(filter(Boolean));
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'x' }).pipe(confirmWrites(dismissed)))).toBe('-awk--ok(e|)', T);
    });
    expect(h.timedLog).toEqual(['0 send_message:1', '5 confirm_tool_action:2']);
    expect(h.sockets.sent[1]).toMatchObject({ action: 'confirm_tool_action', approved: false });
  });

  it('confirmWrites: an empty decision denies when it ends, with decisionTimeoutMs too', () => {
    const h = harness(gatedWrite);
    testScheduler().run(({ expectObservable, cold }) => {
      const dismissed = () => cold<boolean>('---|');
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'x' }).pipe(confirmWrites(dismissed, { decisionTimeoutMs: 10, onDecisionTimeout: 'error' })))).toBe('-awk--ok(e|)', T);
    });
    expect(h.timedLog).toEqual(['0 send_message:1', '5 confirm_tool_action:2']);
    expect(h.sockets.sent[1]).toMatchObject({ approved: false });
  });

  it('answerInteractions: a handler that completes without a value declines', () => {
    const h = harness(gatedForm);
    testScheduler().run(({ expectObservable, cold }) => {
      const closed = () => cold<never>('--|');
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'x' }).pipe(answerInteractions({ identity_intake: closed })))).toBe('-aik-ok(e|)', T);
    });
    expect(h.timedLog).toEqual(['0 send_message:1', '4 submit_interaction:1']);
    expect(h.sockets.sent[1]).toMatchObject({ action: 'submit_interaction', interactionId: 'ix-1', declined: true });
    expect(h.sockets.sent[1]).not.toHaveProperty('values');
  });
});

describe('answerInteractions retries', () => {
  it('resubmits values the server finds invalid, up to maxAttempts, then declines once', () => {
    const h = harness((a) => {
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, interactionRequired(a.requestId, 'ix-1')]];
      if (a.action === 'submit_interaction') return [[1, interactionInvalid(a.requestId, 'ix-1')]];
    });
    const attempts: number[] = [];
    testScheduler().run(({ flush }) => {
      h.client
        .turn({ sessionId: 's', message: 'quote' })
        .pipe(answerInteractions({ identity_intake: (ask) => (attempts.push(ask.attempt), { values: { email: 'nope' } }) }, { maxAttempts: 2 }), takeUntil(timer(20)))
        .subscribe();
      flush();
    });
    expect(attempts).toEqual([1, 2]);
    const submits = h.sockets.sent.filter((s) => s.action === 'submit_interaction');
    expect(submits.map((s) => ('declined' in s && s.declined === true ? 'declined' : 'values'))).toEqual(['values', 'values', 'declined']);
  });
});

describe('an ask the server resolved by itself', () => {
  /** The park is resolved at 5 without us (the form timed out: no_response); the answer comes at 12. */
  const selfResumingForm: Script = (a) => {
    if (a.action === 'send_message') {
      return [
        [1, ack(a.requestId)],
        [2, interactionRequired(a.requestId, 'ix-1')],
        [3, toolCall(a.requestId, 'request_identity_intake', {})],
        [5, toolResult(a.requestId, 'request_identity_intake', '{"status":"no_response"}')],
        [6, token(a.requestId, 'ok')],
        [12, eventual(a.requestId, 'ok')],
      ];
    }
    if (a.action === 'submit_interaction') return [[1, error(a.requestId, 'NO_PENDING_INTERACTION')]];
  };
  const selfResumingWrite: Script = (a, socket) => {
    if (a.action === 'send_message') {
      return [
        [1, ack(a.requestId)],
        [2, writeConfirmation(a.requestId, 'delete_record')],
        [3, toolCall(a.requestId, 'delete_record', {})],
        [5, toolResult(a.requestId, 'delete_record', 'Denied: no answer', true)],
        [6, token(a.requestId, 'ok')],
        [12, eventual(a.requestId, 'ok')],
      ];
    }
    if (a.action === 'confirm_tool_action') return [[1, error(a.requestId, 'NO_PENDING_CONFIRMATION')]];
    return void socket;
  };

  it('answerInteractions: a form still open when the turn resumed is unsubscribed; nothing is sent', () => {
    const h = harness(selfResumingForm);
    testScheduler().run(({ expectObservable, expectSubscriptions, cold }) => {
      const form = cold('-------(v|)', { v: { values: { email: 'a@example.com' } } });
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'quote' }).pipe(answerInteractions({ identity_intake: () => form })))).toBe('-aik-kt-----(e|)', T);
      expectSubscriptions(form.subscriptions).toBe('--^--!');
    });
    expect(h.sentLog()).toEqual(['send_message:1']);
  });

  it('answerInteractions: a late answer refused because the ask was resolved is not a stream error', () => {
    const h = harness(selfResumingForm);
    testScheduler().run(({ expectObservable, cold }) => {
      // submitted at 4, while the server had already resumed (its tool result arrives at 5, the refusal at 5)
      const form = cold('--(v|)', { v: { values: { email: 'a@example.com' } } });
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'quote' }).pipe(answerInteractions({ identity_intake: () => form })))).toBe('-aik-kt-----(e|)', T);
    });
    expect(h.timedLog).toEqual(['0 send_message:1', '4 submit_interaction:1']);
  });

  it('confirmWrites: a dialog still open when the turn resumed is unsubscribed; nothing is sent', () => {
    const h = harness(selfResumingWrite);
    testScheduler().run(({ expectObservable, expectSubscriptions, cold }) => {
      const dialog = cold<boolean>('-------(y|)', { y: true });
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'x' }).pipe(confirmWrites(() => dialog)))).toBe('-awk-kt-----(e|)', T);
      expectSubscriptions(dialog.subscriptions).toBe('--^--!');
    });
    expect(h.sentLog()).toEqual(['send_message:1']);
  });

  it('confirmWrites: a late confirm refused because the ask was resolved is not a stream error', () => {
    const h = harness((a, socket) => (a.action === 'confirm_tool_action' ? [[2, error(a.requestId, 'NO_PENDING_CONFIRMATION')]] : selfResumingWrite(a, socket)));
    testScheduler().run(({ expectObservable, cold }) => {
      const dialog = cold<boolean>('--(y|)', { y: true });
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'x' }).pipe(confirmWrites(() => dialog)))).toBe('-awk-kt-----(e|)', T);
    });
    expect(h.timedLog).toEqual(['0 send_message:1', '4 confirm_tool_action:2']);
  });

  it('a late answer refused as malformed (VALIDATION_ERROR) is the stream error: it is not moot', () => {
    const h = harness((a, socket) => (a.action === 'submit_interaction' ? [[1, error(a.requestId, 'VALIDATION_ERROR')]] : selfResumingForm(a, socket)));
    testScheduler().run(({ expectObservable, cold }) => {
      const form = cold('--(v|)', { v: { values: { email: 'a@example.com' } } });
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'quote' }).pipe(answerInteractions({ identity_intake: () => form })))).toBe(
        '-aik-(k#)',
        T,
        expect.objectContaining({ code: 'VALIDATION_ERROR' }),
      );
    });
  });

  it('a refusal while the turn is still parked on the ask still errors the stream', () => {
    const h = harness((a) => (a.action === 'submit_interaction' ? [[1, error(a.requestId, 'INTERACTION_MISMATCH')]] : gatedForm(a, undefined as never)));
    testScheduler().run(({ expectObservable }) => {
      const turn$ = h.client.turn({ sessionId: 's', message: 'quote' }).pipe(answerInteractions({ identity_intake: () => ({ values: { email: 'a@example.com' } }) }));
      expectObservable(types(turn$)).toBe('-ai(k#)', T, expect.objectContaining({ code: 'INTERACTION_MISMATCH' }));
    });
    expect(h.sentLog()).toEqual(['send_message:1', 'submit_interaction:1', 'cancel:1']);
  });
});

describe('an event without a turn context (a copy)', () => {
  const copied = { ...interactionRequired('t', 'ix-1') };

  it('answerInteractions errors the stream with SmoothNoTurnContextError, without calling the handler', () => {
    withUnhandled((unhandled) => {
      let caught: unknown;
      let asked = 0;
      from<TurnEvent[]>([ack('t'), copied, token('t', 'x')])
        .pipe(answerInteractions({ identity_intake: () => (asked++, { declined: true }) }))
        .subscribe({ error: (err: unknown) => (caught = err) });
      expect(unhandled).toEqual([]);
      expect(caught).toBeInstanceOf(SmoothNoTurnContextError);
      expect(asked).toBe(0);
    });
  });

  it('answerInteractions errors the stream for an unhandled kind declined by default', () => {
    withUnhandled((unhandled) => {
      let caught: unknown;
      from<TurnEvent[]>([copied]).pipe(answerInteractions({})).subscribe({ error: (err: unknown) => (caught = err) });
      expect(unhandled).toEqual([]);
      expect(caught).toBeInstanceOf(SmoothNoTurnContextError);
    });
  });

  it('confirmWrites errors the stream the same way, without calling decide', () => {
    let caught: unknown;
    let asked = 0;
    from<TurnEvent[]>([{ ...writeConfirmation('t', 'x') }]).pipe(confirmWrites(() => (asked++, true))).subscribe({ error: (err: unknown) => (caught = err) });
    expect(caught).toBeInstanceOf(SmoothNoTurnContextError);
    expect(asked).toBe(0);
  });

  it('verifyOtp errors the stream the same way, without asking for a code', () => {
    withUnhandled((unhandled) => {
      let caught: unknown;
      let asked = 0;
      const ask = { ...otpRequiredFrame('t', { toolId: 'pay', actionDescription: 'Pay', availableChannels: ['email'], authLevel: 'otp' } as never) };
      from<TurnEvent[]>([ack('t'), ask, { ...eventual('t', 'verify first') }])
        .pipe(verifyOtp(() => (asked++, '123456')))
        .subscribe({ error: (err: unknown) => (caught = err) });
      expect(unhandled).toEqual([]);
      expect(caught).toBeInstanceOf(SmoothNoTurnContextError);
      expect(asked).toBe(0);
    });
  });
});

describe('a consumer that left at the ask', () => {
  const leaveAtAsk = (type: string) => takeWhile<TurnEvent>((e) => e.type !== type, true);

  it('confirmWrites does not call decide, and sends nothing but the cancel', () => {
    const h = harness(gatedWrite);
    let asked = 0;
    testScheduler().run(({ expectObservable }) => {
      const turn$ = h.client.turn({ sessionId: 's', message: 'x' }).pipe(confirmWrites(() => (asked++, true)), leaveAtAsk('write_confirmation_required'));
      expectObservable(types(turn$)).toBe('-a(w|)', T);
    });
    expect(asked).toBe(0);
    expect(h.sentLog()).toEqual(['send_message:1', 'cancel:1']);
  });

  it('answerInteractions does not call the handler when the subscriber unsubscribes inside next(ask)', () => {
    const h = harness(gatedForm);
    let asked = 0;
    testScheduler().run(({ flush }) => {
      const subscription = h.client
        .turn({ sessionId: 's', message: 'x' })
        .pipe(answerInteractions({ identity_intake: () => (asked++, { declined: true }) }))
        .subscribe((e) => {
          if (e.type === 'interaction_required') subscription.unsubscribe();
        });
      flush();
    });
    expect(asked).toBe(0);
    expect(h.sentLog()).toEqual(['send_message:1', 'cancel:1']);
  });

  it('answerInteractions does not decline an unhandled kind after takeWhile left at the ask', () => {
    const h = harness(gatedForm);
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'x' }).pipe(answerInteractions({}), leaveAtAsk('interaction_required')))).toBe('-a(i|)', T);
    });
    expect(h.sentLog()).toEqual(['send_message:1', 'cancel:1']);
  });
});
