/**
 * The edges of a turn's life: leaving on the terminal event, errors answering a cancel, resumes
 * on ended turns, keepalives while parked, events of abandoned turns, close codes across sockets,
 * and a socket that fails at once.
 */
import { Subject, VirtualTimeScheduler, map, mergeMap, of, retry, switchMap, takeUntil, tap, timer, type Observable } from 'rxjs';
import { createSmoothClient } from '../../src/client/client.js';
import type { Diagnostic } from '../../src/client/diagnostics.js';
import type { SmoothConnectionError, SmoothError } from '../../src/errors.js';
import { turnOf } from '../../src/turn/context.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import { finalResponse } from '../../operators/finalResponse.js';
import { ack, cancelled, error, eventual, interactionRequired, token, toolCall, writeConfirmation } from '../fixtures/events.js';
import { harness, testScheduler, type Script } from './harness.js';

const types = (turn$: Observable<TurnEvent>) => turn$.pipe(map((e) => (e.type === 'immediate_response' ? `${e.type}:${e.status}` : e.type)));
const T = {
  a: 'immediate_response:202',
  t: 'stream_token',
  e: 'eventual_response',
  c: 'cancelled',
  k: 'stream_chunk',
  w: 'write_confirmation_required',
  K: 'keepalive',
};

/** A server that streams `pieces` one frame apart after a 202, then the answer; cancel → cancelled. */
const streaming = (pieces: string[]): Script => (a) => {
  if (a.action === 'send_message') {
    return [[1, ack(a.requestId)], ...pieces.map((p, i) => [2 + i, token(a.requestId, p)] as const), [2 + pieces.length, eventual(a.requestId, pieces.join(''))]];
  }
  if (a.action === 'cancel') return [[1, cancelled(a.requestId)]];
};

describe('a consumer that stops on the terminal event', () => {
  // A consumer that unsubscribes inside the terminal event's next() (finalResponse's take(1),
  // first(), takeWhile(..., true)) must find the turn already ended: else it would send a cancel
  // after the end and hold the slot for cancelDrainMs.
  it('finalResponse() on a turn sends no cancel after eventual_response and frees the slot at once', () => {
    // Like real servers: a cancel when no turn runs gets no answer at all.
    const h = harness((a) => (a.action === 'send_message' ? streaming(['x'])(a, h.sockets.current) : undefined), { cancelDrainMs: 50 });
    testScheduler().run(({ expectObservable }) => {
      expectObservable(h.client.turn({ sessionId: 's', message: 'one' }).pipe(finalResponse(), map((f) => f.text))).toBe('---(x|)', { x: 'x' });
      // queued behind the first: starts when the first ends at 3
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'two' }))).toBe('----at(e|)', T);
    });
    expect(h.timedLog).toEqual(['0 send_message:1', '3 send_message:2']);
  });

  it('close() inside next(eventual_response) does not turn the ended turn into a CLIENT_CLOSED error', () => {
    const h = harness(streaming(['x']));
    const seen: string[] = [];
    testScheduler().run(({ flush }) => {
      h.client.turn({ sessionId: 's', message: 'one' }).subscribe({
        next: (e) => {
          seen.push(e.type);
          if (e.type === 'eventual_response') h.client.close();
        },
        error: (err: SmoothError) => seen.push(`error ${err.code}`),
        complete: () => seen.push('complete'),
      });
      flush();
    });
    expect(seen).toEqual(['immediate_response', 'stream_token', 'eventual_response', 'complete']);
  });

  it("with turnConcurrency 'fail', a turn started inside next(eventual_response) of the previous one is not refused", () => {
    const h = harness(streaming(['x']), { turnConcurrency: 'fail' });
    const seen: string[] = [];
    testScheduler().run(({ flush }) => {
      h.client
        .turn({ sessionId: 's', message: 'one' })
        .pipe(
          // the server's turn has ended with its eventual_response: the next may start
          mergeMap((e) => (e.type === 'eventual_response' ? h.client.turn({ sessionId: 's', message: 'two' }) : of(e))),
        )
        .subscribe({ next: (e) => seen.push(e.type), error: (err: SmoothError) => seen.push(`error ${err.code}`) });
      flush();
    });
    expect(seen).not.toContain('error TURN_IN_PROGRESS');
    expect(h.sentLog()).toEqual(['send_message:1', 'send_message:2']);
  });
});

describe('an error answering a cancel (reduced deployments: UNSUPPORTED_ACTION)', () => {
  // PROTOCOL.md: "Reduced deployments answer UNSUPPORTED_ACTION to everything but ping, create,
  // get_session and send", echoing the frame's requestId, i.e. the turn's for a cancel.
  const reduced: Script = (a) => {
    if (a.action === 'send_message') {
      return [[1, ack(a.requestId)], ...['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((p, i) => [2 + i, token(a.requestId, p)] as const), [9, eventual(a.requestId, 'abcdefg')]];
    }
    if (a.action === 'cancel') return [[1, error(a.requestId, 'UNSUPPORTED_ACTION', 'Unsupported action: cancel')]];
  };

  it('an abandoned turn keeps the slot until the server really ends it', () => {
    const h = harness(reduced);
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'one' })), '^--!').toBe('-at', T);
      // the server ignores the cancel and the first turn runs until its eventual_response at 9
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'two' })), '-^').toBe('----------attttttt(e|)', T);
    });
    expect(h.timedLog).toEqual(['0 send_message:1', '3 cancel:1', '9 send_message:2']);
  });

  it('cancel() from the context does not end a running turn with the cancel\'s UNSUPPORTED_ACTION', () => {
    const h = harness(reduced);
    const outcome: string[] = [];
    testScheduler().run(({ expectObservable }) => {
      const turn$ = h.client.turn({ sessionId: 's', message: 'one' }).pipe(
        tap((e) => {
          if (e.type === 'immediate_response') {
            timer(2).pipe(switchMap(() => turnOf(e).cancel())).subscribe({ next: (end) => outcome.push(end.type), error: (err: SmoothError) => outcome.push(`cancel error ${err.code}`) });
          }
        }),
      );
      // cancel sent at 3, refused at 4: the turn itself goes on to its answer
      expectObservable(types(turn$)).toBe('-attttttt(e|)', T);
    });
  });
});

describe('turn context', () => {
  it('confirm() on a turn that has ended fails with TURN_ENDED and sends nothing', () => {
    // README: SmoothTurnEndedError "a resume on a turn that has ended", for confirm as for submit.
    const h = harness((a) => {
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, eventual(a.requestId, 'done')]];
      if (a.action === 'confirm_tool_action') return [[1, error(a.requestId, 'NO_PENDING_CONFIRMATION')]];
    });
    const outcome: string[] = [];
    testScheduler().run(({ flush }) => {
      let last: TurnEvent | undefined;
      h.client.turn({ sessionId: 's', message: 'hi' }).subscribe({
        next: (e) => (last = e),
        complete: () => {
          if (last) turnOf(last).confirm(true).subscribe({ error: (err: SmoothError) => outcome.push(err.code) });
        },
      });
      flush();
    });
    expect(outcome).toEqual(['TURN_ENDED']);
    expect(h.sentLog()).toEqual(['send_message:1']);
  });

  it('cancel() still emits the ending event when the turn stream is unsubscribed before cancelled arrives', () => {
    // A draining turn that finishes still answers its cancel() callers.
    const h = harness((a) => {
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, writeConfirmation(a.requestId, 'x')]];
      if (a.action === 'cancel') return [[3, cancelled(a.requestId)]];
    });
    const outcome: string[] = [];
    testScheduler().run(({ flush }) => {
      const stop = new Subject<void>();
      h.client
        .turn({ sessionId: 's', message: 'hi' })
        .pipe(takeUntil(stop))
        .subscribe((e) => {
          if (e.type !== 'write_confirmation_required') return;
          // a Stop button: ask the server to stop, and tear the view down a frame later
          timer(2).subscribe(() => turnOf(e).cancel().subscribe({ next: (end) => outcome.push(end.type), complete: () => outcome.push('complete') }));
          timer(3).subscribe(() => stop.next());
        });
      flush();
    });
    expect(h.timedLog).toEqual(['0 send_message:1', '4 cancel:1']);
    expect(outcome).toEqual(['cancelled', 'complete']);
  });
});

describe('inactivity timeout while parked', () => {
  it('a keepalive while the turn waits for a human does not restart the inactivity timeout', () => {
    // Only an event that resumes the turn unparks it; a keepalive (PROTOCOL.md: documented,
    // non-terminal) does not.
    const h = harness(
      (a) =>
        a.action === 'send_message'
          ? [[1, ack(a.requestId)], [2, writeConfirmation(a.requestId, 'delete_record')], [3, toolCall(a.requestId, 'delete_record', { id: '42' })], [4, { type: 'keepalive', requestId: a.requestId, data: { requestId: a.requestId }, timestamp: 1 }]]
          : undefined,
      { turnTimeoutMs: 5 },
    );
    testScheduler().run(({ expectObservable }) => {
      // nobody answers the ask: the turn must stay parked (no TURN_TIMEOUT) until unsubscribed
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'delete record 42' })), '^ 49ms !').toBe('-awkK', T);
    });
    expect(h.timedLog).toEqual(['0 send_message:1', '50 cancel:1']);
  });
});

describe('diagnostics', () => {
  it('events of an abandoned turn arriving before its cancelled are reported, not dropped', () => {
    // README: bad input "never vanishes: diagnostics$ reports … late-event (after its request or
    // turn ended)", a draining turn's events included.
    const h = harness((a) => {
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, token(a.requestId, 'a')], [3, token(a.requestId, 'b')], [4, token(a.requestId, 'c')]];
      if (a.action === 'cancel') return [[3, cancelled(a.requestId)]];
    });
    const diagnostics: Diagnostic[] = [];
    h.client.diagnostics$.subscribe((d) => diagnostics.push(d));
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'hi' })), '^-!').toBe('-a', T);
    });
    // the tokens at 2, 3 and 4 reached no subscriber
    expect(diagnostics.map((d) => d.kind)).toEqual(['late-event', 'late-event', 'late-event']);
  });
});

describe('connection', () => {
  it('a socket that fails is reported as CONNECTION_ERROR, not with the close code of the previous socket', () => {
    // A previous socket's late close event (error first, then close 1006, as ws does on
    // ECONNREFUSED) must not describe its successor. Without reconnects, so that the caller sees each loss.
    const h = harness(() => undefined, { requestTimeoutMs: 0, retryAttempts: 0 });
    const errors: string[] = [];
    testScheduler().run(({ flush }) => {
      h.client
        .getSession('s')
        // Not synchronously: what starts while a give-up is delivered fails with it.
        .pipe(retry({ count: 1, delay: 0 }))
        .subscribe({ error: (e: SmoothConnectionError) => errors.push(`${e.code} ${String(e.closeCode)}`) });
      flush();
      h.sockets.current.fail(); // the retry re-dials at once
      flush();
      h.sockets.current.fail(); // the second socket fails the same way as the first
      flush();
    });
    expect(h.sockets.all).toHaveLength(2);
    expect(errors).toEqual(['CONNECTION_ERROR undefined']);
  });
});

describe('errors while a resume is pending', () => {
  it('an error that does not answer a resume ends the turn, and the pending submit with it', () => {
    const h = harness((a) => {
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, interactionRequired(a.requestId, 'ix-1')]];
      if (a.action === 'submit_interaction') return [[1, error(a.requestId, 'AGENT_ERROR', 'the agent crashed')]];
    });
    const submitErrors: string[] = [];
    testScheduler().run(({ expectObservable }) => {
      const turn$ = h.client.turn({ sessionId: 's', message: 'x' }).pipe(
        tap((e) => {
          if (e.type === 'interaction_required') turnOf(e).submitInteraction({ interactionId: 'ix-1', values: { email: 'a@b.c' } }).subscribe({ error: (err: SmoothError) => submitErrors.push(err.code) });
        }),
        map((e) => e.type),
      );
      expectObservable(turn$).toBe('-ab#', { a: 'immediate_response', b: 'interaction_required' }, expect.objectContaining({ code: 'AGENT_ERROR' }));
    });
    expect(submitErrors).toEqual(['AGENT_ERROR']);
  });
});

describe('answers after the end', () => {
  it('an OTP answer arriving after the turn ended still carries the turn', () => {
    const h = harness((a) => {
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, eventual(a.requestId, 'verify first')]];
      if (a.action === 'verify_otp') return [[1, { type: 'otp_verified', requestId: a.requestId, data: { requestId: a.requestId, data: { message: 'ok' } } }]];
    });
    let context: string | undefined;
    testScheduler().run(({ flush }) => {
      h.client.turn({ sessionId: 's', message: 'pay' }).subscribe((e) => {
        if (e.type === 'eventual_response') turnOf(e).verifyOtp('123456').subscribe((answer) => (context = turnOf(answer).requestId));
      });
      flush();
    });
    expect(context).toBe(h.sockets.sent[0]?.requestId);
  });
});

describe('JSON that is not an object', () => {
  it.each([['null'], ['3'], ['[]'], ['"text"'], ['true']])('%s is reported as an invalid frame and the connection lives on', (raw) => {
    const h = harness((a) => (a.action === 'send_message' ? [[1, ack(a.requestId)], [2, raw], [3, eventual(a.requestId, 'fine')]] : undefined));
    const kinds: string[] = [];
    h.client.diagnostics$.subscribe((d) => kinds.push(d.kind));
    testScheduler().run(({ expectObservable }) => {
      expectObservable(h.client.turn({ sessionId: 's', message: 'x' }).pipe(map((e) => e.type))).toBe('-a-(e|)', { a: 'immediate_response', e: 'eventual_response' });
    });
    expect(kinds).toEqual(['invalid-frame']);
    expect(h.sockets.all).toHaveLength(1);
  });
});

describe('a socket that fails at once', () => {
  it('leaves no timer armed after the turn errored', () => {
    const scheduler = new VirtualTimeScheduler();
    const Throwing = class {
      constructor() {
        throw new Error('bad subprotocol');
      }
    };
    const client = createSmoothClient({ url: 'ws://test/ws', webSocketImpl: Throwing, scheduler, turnTimeoutMs: 120_000 });
    const outcome: string[] = [];
    client.turn({ sessionId: 's', message: 'hi' }).subscribe({ error: (err: SmoothError) => outcome.push(err.code) });
    expect(outcome).toEqual(['CONNECTION_ERROR']);
    expect(scheduler.actions).toHaveLength(0);
  });
});
