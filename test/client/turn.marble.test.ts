import { asyncScheduler, concat, ignoreElements, last, map, mergeMap, of, switchMap, tap, timer, type Observable, type SchedulerLike } from 'rxjs';
import { SmoothInvalidFrameError, SmoothNoTurnContextError, SmoothProtocolError, SmoothTimeoutError, SmoothTurnInProgressError, type SmoothError } from '../../src/errors.js';
import { findTurnOf, turnOf } from '../../src/turn/context.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import type { Diagnostic } from '../../src/client/diagnostics.js';
import { ack, cancelled, error, eventual, interactionInvalid, interactionRequired, ok, token, toolCall, toolResult, writeConfirmation } from '../fixtures/events.js';
import { harness, short, testScheduler, type Script } from './harness.js';

const types = (turn$: Observable<TurnEvent>) => turn$.pipe(map((e) => (e.type === 'immediate_response' ? `${e.type}:${e.status}` : e.type)));
const T = { a: 'immediate_response:202', t: 'stream_token', e: 'eventual_response', c: 'cancelled', k: 'stream_chunk', w: 'write_confirmation_required', i: 'interaction_required', v: 'interaction_invalid', o: 'immediate_response:200' };

/** A server that streams `pieces` one frame apart after a 202, then the answer. */
const streaming = (pieces: string[], cancelReplyDelay = 1): Script => (a) => {
  if (a.action === 'send_message') {
    return [[1, ack(a.requestId)], ...pieces.map((p, i) => [2 + i, token(a.requestId, p)] as const), [2 + pieces.length, eventual(a.requestId, pieces.join(''))]];
  }
  if (a.action === 'cancel') return [[cancelReplyDelay, cancelled(a.requestId)]];
};

describe('turn lifecycle', () => {
  it('emits every event in order, the 202 ack included, and completes on eventual_response', () => {
    const h = harness(streaming(['Hel', 'lo']));
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'hi' }))).toBe('-att(e|)', T);
    });
    expect(h.sentLog()).toEqual(['send_message:1']); // no cancel after a normal end
    expect(h.sockets.sent[0]).toEqual({ action: 'send_message', requestId: expect.any(String), sessionId: 's', message: 'hi', stream: true });
  });

  it('is cold: each subscription is a new turn with a fresh requestId', () => {
    const h = harness(streaming(['x']));
    testScheduler().run(({ expectObservable }) => {
      const turn$ = h.client.turn({ sessionId: 's', message: 'hi' });
      expectObservable(types(turn$)).toBe('-at(e|)', T);
      expectObservable(types(turn$)).toBe('----at(e|)', T); // waits for the turn slot (FIFO)
    });
    expect(h.timedLog).toEqual(['0 send_message:1', '3 send_message:2']);
  });

  it('a cancelled ending is a completion, not an error', () => {
    const h = harness((a) => (a.action === 'send_message' ? [[1, ack(a.requestId)], [2, cancelled(a.requestId)]] : undefined));
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'hi' }))).toBe('-a(c|)', T);
    });
  });

  it('a terminal error errors the turn with SmoothProtocolError', () => {
    const h = harness((a) => (a.action === 'send_message' ? [[1, error(a.requestId, 'SESSION_NOT_FOUND', "session 's' not found")]] : undefined));
    testScheduler().run(({ expectObservable }) => {
      expectObservable(h.client.turn({ sessionId: 's', message: 'hi' })).toBe('-#', undefined, expect.objectContaining({ code: 'SESSION_NOT_FOUND', requestId: expect.stringMatching(/-1$/) }));
    });
    let caught: unknown;
    const h2 = harness((a) => (a.action === 'send_message' ? [[1, error(a.requestId, 'SKILL_NOT_FOUND')]] : undefined));
    testScheduler().run(({ flush }) => {
      h2.client.turn({ sessionId: 's', message: 'hi', skill: 'nope' }).subscribe({ error: (e: unknown) => (caught = e) });
      flush();
    });
    expect(caught).toBeInstanceOf(SmoothProtocolError);
  });

  it('unsubscribing early sends exactly one cancel, and holds the slot until cancelled arrives', () => {
    const h = harness(streaming(['a', 'b', 'c', 'd', 'e', 'f'], 3));
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'one' })), '^--!').toBe('-at', T);
      // subscribed at 1, queued; the server confirms the cancel at 3 + 3 = 6
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'two' })), '-^').toBe('-------atttttt(e|)', T);
    });
    expect(h.timedLog).toEqual(['0 send_message:1', '3 cancel:1', '6 send_message:2']);
    expect(h.sockets.sent[1]).toEqual({ action: 'cancel', requestId: h.sockets.sent[0]?.requestId, sessionId: 's' });
  });

  it('unsubscribing after the end sends nothing; unsubscribing while queued sends nothing', () => {
    const h = harness(streaming(['x']));
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'one' })), '^------!').toBe('-at(e|)', T);
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'two' })), '^-!').toBe('', T);
    });
    expect(h.sentLog()).toEqual(['send_message:1']);
  });

  it('gives up waiting for cancelled after cancelDrainMs', () => {
    // The first turn never ends and its cancel is never answered.
    const h = harness(
      (a) => (a.action !== 'send_message' ? undefined : a.message === 'one' ? [[1, ack(a.requestId)]] : streaming(['a', 'b', 'c'])(a, h.sockets.current)),
      { cancelDrainMs: 10 },
    );
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'one' })), '^-!').toBe('-a', T);
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'two' })), '-^').toBe('-------------attt(e|)', T);
    });
    expect(h.timedLog).toEqual(['0 send_message:1', '2 cancel:1', '12 send_message:2']);
  });
});

describe('one active turn per connection', () => {
  it('queues turns FIFO and starts each when the previous ends', () => {
    const h = harness(streaming(['x']));
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(h.client.turn({ sessionId: 's', message: '1' }))).toBe('-at(e|)', T);
      expectObservable(types(h.client.turn({ sessionId: 's', message: '2' }))).toBe('----at(e|)', T);
      expectObservable(types(h.client.turn({ sessionId: 's', message: '3' }))).toBe('-------at(e|)', T);
    });
    expect(h.timedLog).toEqual(['0 send_message:1', '3 send_message:2', '6 send_message:3']);
  });

  it("with turnConcurrency 'fail', a second turn errors at once with TURN_IN_PROGRESS", () => {
    const h = harness(streaming(['x']), { turnConcurrency: 'fail' });
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(h.client.turn({ sessionId: 's', message: '1' }))).toBe('-at(e|)', T);
      expectObservable(types(h.client.turn({ sessionId: 's', message: '2' }))).toBe('#', T, expect.any(SmoothTurnInProgressError));
      expectObservable(types(h.client.turn({ sessionId: 's', message: '3' })), '----^').toBe('-----at(e|)', T);
    });
    expect(h.sentLog()).toEqual(['send_message:1', 'send_message:3']);
  });

  it('a server-side TURN_IN_PROGRESS errors only the refused turn', () => {
    const h = harness((a) => (a.action === 'send_message' ? [[1, error(a.requestId, 'TURN_IN_PROGRESS')]] : undefined));
    testScheduler().run(({ expectObservable }) => {
      expectObservable(h.client.turn({ sessionId: 's', message: '1' })).toBe('-#', undefined, expect.objectContaining({ code: 'TURN_IN_PROGRESS' }));
    });
  });
});

describe('turn inactivity timeout', () => {
  const quiet: Script = (a) => (a.action === 'send_message' ? [[1, ack(a.requestId)], [3, token(a.requestId, 'x')]] : undefined);

  it('is reset by every event; on expiry sends cancel and errors with TURN_TIMEOUT', () => {
    const h = harness(quiet, { turnTimeoutMs: 5 });
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'hi' }))).toBe('-a-t----#', T, expect.objectContaining({ code: 'TURN_TIMEOUT', timeoutMs: 5 }));
    });
    expect(h.timedLog).toEqual(['0 send_message:1', '8 cancel:1']);
  });

  it('a per-turn timeoutMs overrides the client default; 0 disables it', () => {
    const h = harness(quiet, { turnTimeoutMs: 5 });
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'hi', timeoutMs: 2 }))).toBe('-a-t-#', T, expect.objectContaining({ code: 'TURN_TIMEOUT', timeoutMs: 2 }));
    });
    const h2 = harness(quiet, { turnTimeoutMs: 0 });
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(h2.client.turn({ sessionId: 's', message: 'hi' })), '^ 500ms !').toBe('-a-t', T);
    });
    expect(h2.sentLog()).toEqual(['send_message:1', 'cancel:1']); // only from the unsubscription
  });

  // A NaN timeoutMs (Number('') from a config, a bad computation) is neither 0 nor a limit: the
  // client's Deadlines guard it with a NaN deadline that is never due (and arm their check for
  // NaN), so the turn silently has no inactivity timeout at all. Before Deadlines it expired at
  // once on real time. connectionPool() keeps its default for a NaN size; this keeps nothing.
  it('a NaN per-turn timeoutMs does not silently disable the inactivity timeout', () => {
    const h = harness(quiet, { turnTimeoutMs: 5 });
    const outcome: string[] = [];
    testScheduler().run(({ flush }) => {
      h.client.turn({ sessionId: 's', message: 'hi', timeoutMs: Number.NaN }).subscribe({ error: (err: SmoothError) => outcome.push(`${err.code} ${(err as SmoothTimeoutError).timeoutMs}`) });
      flush();
    });
    // The client's default, as for an option given as NaN.
    expect(outcome).toEqual(['TURN_TIMEOUT 5']);
  });

  it('a client turnTimeoutMs given as NaN keeps its default (120 s), as undefined does', () => {
    const h = harness(quiet, { turnTimeoutMs: Number.NaN });
    const outcome: string[] = [];
    testScheduler().run(({ flush }) => {
      h.client.turn({ sessionId: 's', message: 'hi' }).subscribe({ error: (err: SmoothError) => outcome.push(`${err.code} ${(err as SmoothTimeoutError).timeoutMs}`) });
      flush();
    });
    expect(outcome).toEqual(['TURN_TIMEOUT 120000']);
  });

  // Host timers hold at most 2^31-1 ms (~24.8 days); a longer delay fires after 1 ms (Node warns,
  // browsers do the same silently). A timeout past that (say `timeoutMs: 30 days`, or
  // Number.MAX_SAFE_INTEGER for "practically never") makes the deadlines' check fire at once,
  // find nothing due and arm itself again for the same far deadline: a wake-up every
  // millisecond for the turn's whole life. (83d7a0f's per-turn InactivityDeadline looped the same way.)
  it.each(['the client option', 'the turn'])('a timeout longer than a host timer can hold (%s) does not re-check every millisecond', async (given) => {
    let farChecks = 0;
    const scheduler: SchedulerLike = {
      now: () => asyncScheduler.now(),
      schedule: ((work: (this: unknown, state?: unknown) => void, delay?: number, state?: unknown) => {
        if ((delay ?? 0) > 2 ** 31 - 1) farChecks++;
        return asyncScheduler.schedule(work as never, delay, state);
      }) as SchedulerLike['schedule'],
    };
    const days30 = 30 * 24 * 3600 * 1000;
    const h = harness(quiet, { scheduler, turnTimeoutMs: given === 'the client option' ? days30 : 60_000 });
    const warn = process.emitWarning;
    process.emitWarning = () => undefined; // TimeoutOverflowWarning
    try {
      const subscription = h.client.turn({ sessionId: 's', message: 'hi', ...(given === 'the turn' ? { timeoutMs: days30 } : {}) }).subscribe({ error: () => undefined });
      await new Promise((resolve) => setTimeout(resolve, 60));
      subscription.unsubscribe();
      h.client.close();
    } finally {
      process.emitWarning = warn;
    }
    expect(farChecks).toBeLessThanOrEqual(2);
  });

  // Each client keeps its own deadlines: one client's turns on real time are not checked on another's virtual clock.
  it("a client's turn on real time is not expired by another client's marble test on the same default scheduler", async () => {
    const real = harness(quiet, { turnTimeoutMs: 60_000 });
    let realOutcome = 'open';
    const subscription = real.client.turn({ sessionId: 's', message: 'hi' }).subscribe({ error: (err: SmoothError) => (realOutcome = err.code) });
    await new Promise((resolve) => setTimeout(resolve, 20)); // its socket opens and its turn is sent, on real time
    const h = harness(quiet, { turnTimeoutMs: 5 });
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'hi' }))).toBe('-a-t----#', T, expect.objectContaining({ code: 'TURN_TIMEOUT', timeoutMs: 5 }));
    });
    expect(realOutcome).toBe('open');
    subscription.unsubscribe();
    real.client.close();
  });

  const parking: Script = (a) => {
    if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, writeConfirmation(a.requestId, 'delete_record')], [3, toolCall(a.requestId, 'delete_record', { id: '42' })]];
    if (a.action === 'confirm_tool_action') return [[1, ok(a.requestId, { sessionId: a.sessionId, approved: a.approved }, 'Tool action approved')]];
  };
  const confirmAt = (frame: number) => (turn$: Observable<TurnEvent>) =>
    turn$.pipe(mergeMap((e) => (e.type === 'write_confirmation_required' ? concat(of(e), timer(frame).pipe(switchMap(() => turnOf(e).confirm(true)), ignoreElements())) : of(e))));

  it('is paused while the turn waits for a human, and runs again after the resume', () => {
    const h = harness(parking, { turnTimeoutMs: 5 });
    testScheduler().run(({ expectObservable }) => {
      // parked from 2 to 31 (the ack of the confirm sent at 30): far past 5 frames, no timeout;
      // after the ack nothing comes, so it expires at 31 + 5.
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'delete record 42' }).pipe(confirmAt(28)))).toBe(
        '-awk 27ms o----#',
        T,
        expect.objectContaining({ code: 'TURN_TIMEOUT', timeoutMs: 5 }),
      );
    });
    expect(h.timedLog).toEqual(['0 send_message:1', '30 confirm_tool_action:2', '36 cancel:1']);
  });
});

describe('answering the agent from the turn context', () => {
  it('confirm sends confirm_tool_action with its own requestId; the ack and the resumed events continue in the turn', () => {
    const h = harness((a) => {
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, writeConfirmation(a.requestId, 'delete_record')], [3, toolCall(a.requestId, 'delete_record', { id: '42' })]];
      if (a.action === 'confirm_tool_action') {
        const turnId = h.sockets.sent[0]?.requestId ?? '';
        return [[2, ok(a.requestId, { sessionId: a.sessionId, approved: true })], [3, toolResult(turnId, 'delete_record', 'Record 42 deleted.')], [4, token(turnId, 'Done.')], [5, eventual(turnId, 'Done.')]];
      }
    });
    const outcomes: string[] = [];
    testScheduler().run(({ expectObservable }) => {
      const turn$ = h.client.turn({ sessionId: 's', message: 'delete record 42' }).pipe(
        mergeMap((e) => (e.type === 'write_confirmation_required' ? concat(of(e), turnOf(e).confirm(true).pipe(map((ack) => outcomes.push(`${ack.type}:${ack.status}`)), ignoreElements())) : of(e))),
      );
      expectObservable(types(turn$)).toBe('-awkokt(e|)', T);
    });
    expect(outcomes).toEqual(['immediate_response:200']);
    expect(h.sockets.sent[1]).toEqual({ action: 'confirm_tool_action', requestId: expect.stringMatching(/-2$/), sessionId: 's', approved: true });
  });

  it.each([
    ['a confirm', 'w'],
    ['a submit', 'i'],
  ])('%s whose caller left before the reply: the ack still continues in the turn, which resumes', (_name, ask) => {
    const h = harness((a) => {
      const turnId = h.sockets.sent[0]?.requestId ?? '';
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, ask === 'w' ? writeConfirmation(a.requestId, 'delete_record') : interactionRequired(a.requestId, 'ix-1')]];
      if (a.action === 'confirm_tool_action' || a.action === 'submit_interaction') return [[2, ok(a.requestId, { sessionId: a.sessionId })], [3, token(turnId, 'Done.')], [4, eventual(turnId, 'Done.')]];
    });
    testScheduler().run(({ expectObservable }) => {
      const answer = (e: TurnEvent) => (e.type === 'write_confirmation_required' ? turnOf(e).confirm(true) : e.type === 'interaction_required' ? turnOf(e).submitInteraction({ interactionId: 'ix-1', values: {} }) : undefined);
      // Answered at 2, the caller leaves at once; the reply comes at 4.
      const turn$ = h.client.turn({ sessionId: 's', message: 'go' }).pipe(tap((e) => answer(e)?.subscribe().unsubscribe()));
      expectObservable(types(turn$)).toBe(`-a${ask}-ot(e|)`, T);
    });
  });

  it('an error answering a confirm fails that confirm only', () => {
    const h = harness((a) => {
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [5, eventual(a.requestId, 'fine')]];
      if (a.action === 'confirm_tool_action') return [[1, error(a.requestId, 'NO_PENDING_CONFIRMATION')]];
    });
    testScheduler().run(({ expectObservable }) => {
      const turn$ = h.client.turn({ sessionId: 's', message: 'hi' });
      let confirm$: Observable<unknown> | undefined;
      expectObservable(types(turn$.pipe(map((e) => ((confirm$ ??= turnOf(e).confirm(true)), e))))).toBe('-a---(e|)', T);
      expectObservable(timer(2).pipe(switchMap(() => confirm$ ?? of('no turn')))).toBe('---#', undefined, expect.objectContaining({ code: 'NO_PENDING_CONFIRMATION' }));
    });
  });

  it('resume errors keep the parked turn alive: mismatch, then invalid values, then a corrected submit resumes it', () => {
    const h = harness((a) => {
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, interactionRequired(a.requestId, 'ix-1')], [3, toolCall(a.requestId, 'request_identity_intake', {})]];
      if (a.action !== 'submit_interaction') return;
      // Like real servers: every answer to a submit carries the turn's requestId.
      if (a.interactionId !== 'ix-1') return [[1, error(a.requestId, 'INTERACTION_MISMATCH', 'stale interaction')]];
      if ((a.values as { email?: string }).email === 'bad') return [[1, interactionInvalid(a.requestId, 'ix-1')]];
      return [[1, ok(a.requestId, { sessionId: a.sessionId, interactionId: 'ix-1' }, 'Interaction submitted')], [2, toolResult(a.requestId, 'request_identity_intake', '{"status":"submitted"}')], [3, eventual(a.requestId, 'Thanks')]];
    });
    const outcomes: string[] = [];
    testScheduler().run(({ expectObservable }) => {
      const turn$ = h.client.turn({ sessionId: 's', message: 'send me a quote' }).pipe(
        tap((e) => {
          if (e.type !== 'interaction_required') return;
          const context = turnOf(e);
          const submitAt = (delay: number, interactionId: string, email: string) =>
            timer(delay)
              .pipe(switchMap(() => context.submitInteraction({ interactionId, kind: 'identity_intake', values: { email } })))
              .subscribe({ next: (o) => outcomes.push(`${o.type}`), error: (err: SmoothProtocolError) => outcomes.push(`error ${err.code}`) });
          submitAt(2, 'stale', 'a@b.c'); // sent at 4, answered at 5
          submitAt(4, 'ix-1', 'bad'); // sent at 6, answered at 7
          submitAt(6, 'ix-1', 'a@example.com'); // sent at 8, answered at 9
        }),
      );
      // 5: the mismatch error is the stale submit's, not the turn's; 7: interaction_invalid also
      // shows in the turn (still parked); 9: the ack, then the turn resumes.
      expectObservable(types(turn$)).toBe('-aik---v-ok(e|)', T);
    });
    expect(outcomes).toEqual(['error INTERACTION_MISMATCH', 'interaction_invalid', 'immediate_response']);
    expect(h.sentLog()).toEqual(['send_message:1', 'submit_interaction:1', 'submit_interaction:1', 'submit_interaction:1']);
    expect(h.sockets.sent[3]).toEqual({ action: 'submit_interaction', requestId: h.sockets.sent[0]?.requestId, sessionId: 's', interactionId: 'ix-1', kind: 'identity_intake', values: { email: 'a@example.com' } });
  });

  it('declines send declined: true without values; a submit on an ended turn fails with TURN_ENDED', () => {
    const h = harness((a) => {
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, interactionRequired(a.requestId, 'ix-1')]];
      if (a.action === 'submit_interaction') return [[1, ok(a.requestId, {}, 'Interaction declined')], [2, eventual(a.requestId, 'ok')]];
    });
    const outcomes: string[] = [];
    testScheduler().run(({ flush }) => {
      h.client
        .turn({ sessionId: 's', message: 'quote' })
        .pipe(
          mergeMap((e) => (e.type === 'interaction_required' ? concat(of(e), turnOf(e).submitInteraction({ interactionId: 'ix-1', declined: true }).pipe(ignoreElements())) : of(e))),
          last(),
          switchMap((e) => turnOf(e).submitInteraction({ interactionId: 'ix-1', declined: true })),
        )
        .subscribe({ error: (err: SmoothError) => outcomes.push(err.code) });
      flush();
    });
    expect(h.sockets.sent[1]).toEqual({ action: 'submit_interaction', requestId: h.sockets.sent[0]?.requestId, sessionId: 's', interactionId: 'ix-1', declined: true });
    expect(outcomes).toEqual(['TURN_ENDED']);
  });

  it('cancel() stops a parked turn and emits the cancelled event; the turn completes normally', () => {
    const h = harness((a) => {
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, writeConfirmation(a.requestId, 'x')]];
      if (a.action === 'cancel') return [[1, cancelled(a.requestId)]];
    });
    const ends: string[] = [];
    testScheduler().run(({ expectObservable }) => {
      const turn$ = h.client.turn({ sessionId: 's', message: 'hi' }).pipe(
        tap((e) => {
          if (e.type === 'write_confirmation_required') timer(3).pipe(switchMap(() => turnOf(e).cancel())).subscribe((end) => ends.push(end.type));
        }),
      );
      expectObservable(types(turn$)).toBe('-aw---(c|)', T);
    });
    expect(ends).toEqual(['cancelled']);
    expect(h.sentLog()).toEqual(['send_message:1', 'cancel:1']);
  });

  it('events stay plain wire JSON and carry their turn', () => {
    const h = harness(streaming(['Hi']));
    const seen: TurnEvent[] = [];
    testScheduler().run(({ flush }) => {
      h.client.turn({ sessionId: 's', message: 'hi', model: 'm-1' }).subscribe((e) => seen.push(e));
      flush();
    });
    const [first] = seen;
    if (first?.type !== 'immediate_response') throw new Error('expected the ack first');
    expect(JSON.parse(JSON.stringify(first))).toEqual(ack(first.requestId));
    expect(first).toEqual(ack(first.requestId));
    expect(Object.keys(first)).toEqual(Object.keys(ack(first.requestId)));
    expect(turnOf(first)).toMatchObject({ requestId: first.requestId, sessionId: 's', status: 'ended', request: { message: 'hi', model: 'm-1' } });
    // Nothing is written on the event: a copy, or a serialized round trip, finds the same turn.
    expect(turnOf({ ...first })).toBe(turnOf(first));
    expect(turnOf(JSON.parse(JSON.stringify(first)) as TurnEvent)).toBe(turnOf(first));
    expect(() => turnOf({ ...first, requestId: 'made-up' })).toThrow(SmoothNoTurnContextError);
  });

  it('events of an ended turn find it until 256 later turns have ended; its terminal event for as long as it lives', () => {
    const h = harness(streaming(['Hi']));
    const seen: TurnEvent[][] = [];
    testScheduler().run(({ flush }) => {
      for (let i = 0; i < 257; i++) {
        const events: TurnEvent[] = [];
        seen.push(events);
        h.client.turn({ sessionId: 's', message: `m${i}` }).subscribe((e) => events.push(e));
        flush();
      }
    });
    const [oldest, second] = seen;
    const tokenOf = (events: TurnEvent[] | undefined) => events?.find((e) => e.type === 'stream_token') as TurnEvent;
    expect(findTurnOf(tokenOf(oldest))).toBeUndefined();
    expect(findTurnOf(tokenOf(second))?.request.message).toBe('m1');
    expect(turnOf(oldest?.at(-1) as TurnEvent).request.message).toBe('m0');
  });
});

describe('bad frames', () => {
  const collect = (diagnostics: Diagnostic[]) => (d: Diagnostic) => diagnostics.push(d);

  it('an invalid terminal frame errors the turn instead of hanging it, and is reported', () => {
    const diagnostics: Diagnostic[] = [];
    const h = harness((a) => (a.action === 'send_message' ? [[1, ack(a.requestId)], [2, { type: 'eventual_response', requestId: a.requestId, status: 200 }]] : undefined));
    h.client.diagnostics$.subscribe(collect(diagnostics));
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'hi' }))).toBe('-a#', T, expect.any(SmoothInvalidFrameError));
    });
    expect(diagnostics).toEqual([expect.objectContaining({ kind: 'invalid-frame', requestId: expect.stringMatching(/-1$/), errors: [expect.objectContaining({ path: '/data', rule: 'required' })] })]);
  });

  it('an invalid non-terminal frame is reported and the turn goes on', () => {
    const diagnostics: Diagnostic[] = [];
    const h = harness((a) => (a.action === 'send_message' ? [[1, ack(a.requestId)], [2, { type: 'stream_token', requestId: a.requestId, token: 7 }], [3, eventual(a.requestId, 'x')]] : undefined));
    h.client.diagnostics$.subscribe(collect(diagnostics));
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'hi' }))).toBe('-a-(e|)', T);
    });
    expect(diagnostics.map((d) => d.kind)).toEqual(['invalid-frame']);
  });

  it('unknown event types, unparseable frames, unroutable and late events are reported, nothing crashes', () => {
    const diagnostics: Diagnostic[] = [];
    const h = harness((a) =>
      a.action === 'send_message'
        ? [
            [1, ack(a.requestId)],
            [2, { type: 'stream_citation', requestId: a.requestId, data: {} }],
            [2, '{not json'],
            [2, error(undefined, 'VALIDATION_ERROR', 'Invalid JSON')],
            [2, token('someone-else', 'x')],
            [3, eventual(a.requestId, 'x')],
            [4, token(a.requestId, 'straggler')],
          ]
        : undefined,
    );
    h.client.diagnostics$.subscribe(collect(diagnostics));
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'hi' }))).toBe('-a-(e|)', T);
    });
    expect(diagnostics.map((d) => d.kind)).toEqual(['unknown-event-type', 'unparseable-frame', 'unroutable-event', 'unroutable-event', 'late-event']);
    expect(diagnostics[0]).toMatchObject({ type: 'stream_citation' });
  });

  it('binary frames are decoded as UTF-8 JSON', () => {
    const h = harness(() => undefined, { turnTimeoutMs: 0 });
    const seen: string[] = [];
    testScheduler().run(({ flush }) => {
      h.client.turn({ sessionId: 's', message: 'hi' }).subscribe((e) => seen.push(e.type === 'stream_token' ? e.token : e.type));
      flush();
      const id = h.sockets.sent[0]?.requestId ?? '';
      h.sockets.current.onmessage?.({ data: new TextEncoder().encode(JSON.stringify(token(id, 'héllo'))) });
      h.sockets.current.onmessage?.({ data: new TextEncoder().encode(JSON.stringify(eventual(id, 'héllo'))).buffer });
    });
    expect(seen).toEqual(['héllo', 'eventual_response']);
  });
});
