import { NEVER, Subject, map, of, takeUntil, throwError, timer, type Observable } from 'rxjs';
import { expectTypeOf } from 'expect-type';
import { confirmWrites, ConfirmDecisionTimeoutError } from '../../operators/confirmWrites.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import type { WriteConfirmationRequiredEvent } from '../../src/generated/types.js';
import { ack, error, eventual, ok, token, toolCall, toolResult, writeConfirmation } from '../fixtures/events.js';
import { harness, testScheduler, type Script } from '../client/harness.js';

const types = (turn$: Observable<TurnEvent>) => turn$.pipe(map((e) => (e.type === 'immediate_response' ? `ack${e.status}` : e.type)));
const T = { a: 'ack202', w: 'write_confirmation_required', k: 'stream_chunk', o: 'ack200', t: 'stream_token', e: 'eventual_response', c: 'cancelled' };

/** Parks at 2 (ask) / 3 (toolCall); a confirm is acked 2 frames later, then result, token, answer. */
const gated: Script = (a, socket) => {
  const turnId = socket.sent.find((s) => s.action === 'send_message')?.requestId ?? '';
  if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, writeConfirmation(a.requestId, 'delete_record')], [3, toolCall(a.requestId, 'delete_record', { id: '42' })]];
  if (a.action === 'confirm_tool_action') {
    return [[2, ok(a.requestId, { sessionId: a.sessionId, approved: a.approved })], [3, toolResult(turnId, 'delete_record', a.approved ? 'deleted' : 'Denied by human', !a.approved)], [4, token(turnId, 'Done.')], [5, eventual(turnId, 'Done.')]];
  }
};

describe('confirmWrites', () => {
  it('answers with the decision; the ack and resumed events continue in the stream', () => {
    const h = harness(gated);
    const asked: string[] = [];
    testScheduler().run(({ expectObservable, cold }) => {
      const turn$ = h.client.turn({ sessionId: 's', message: 'delete record 42' }).pipe(
        confirmWrites((ask) => {
          asked.push(ask.data.data.toolId);
          return cold('---(y|)', { y: true });
        }),
      );
      // asked at 2, decided at 5, ack at 7, then result, token, answer
      expectObservable(types(turn$)).toBe('-awk---okt(e|)', T);
    });
    expect(asked).toEqual(['delete_record']);
    expect(h.timedLog).toEqual(['0 send_message:1', '5 confirm_tool_action:2']);
    expect(h.sockets.sent[1]).toMatchObject({ action: 'confirm_tool_action', sessionId: 's', approved: true });
  });

  it('accepts a plain boolean and a Promise', async () => {
    const h = harness(gated);
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'x' }).pipe(confirmWrites(() => false)))).toBe('-awkokt(e|)', T);
    });
    expect(h.sockets.sent[1]).toMatchObject({ approved: false });
    const { startMockServer } = await import('../../src/testing/mock-server/index.js');
    const { createSmoothClient } = await import('../../src/client/client.js');
    const { lastValueFrom, switchMap, toArray } = await import('rxjs');
    const server = await startMockServer({ script: [{ kind: 'toolCall', name: 'delete_record', arguments: '{"id":"42"}' }, { kind: 'text', text: 'Deleted.' }], tools: [{ name: 'delete_record', description: 'd', parameters: {}, result: 'ok' }], confirmTools: ['delete_record'] });
    const client = createSmoothClient({ url: server.url });
    try {
      const events = await lastValueFrom(
        client.createSession({ agentId: 'a' }).pipe(
          switchMap((s) => client.turn({ sessionId: s.sessionId, message: 'delete record 42' })),
          confirmWrites(async () => true),
          toArray(),
        ),
      );
      expect(events.at(-1)?.type).toBe('eventual_response');
      expect(server.received.some((r) => r.action === 'confirm_tool_action')).toBe(true);
    } finally {
      client.close();
      await server.close();
    }
  });

  it('a decision that never comes leaves the turn parked, with no timeout, until unsubscribed', () => {
    const h = harness(gated, { turnTimeoutMs: 5 });
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'x' }).pipe(confirmWrites(() => NEVER))), '^ 200ms !').toBe('-awk', T);
    });
    expect(h.timedLog).toEqual(['0 send_message:1', '201 cancel:1']);
  });

  it("decisionTimeoutMs denies by default, or errors with 'error' (which cancels the turn)", () => {
    const h = harness(gated);
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'x' }).pipe(confirmWrites(() => NEVER, { decisionTimeoutMs: 10 })))).toBe('-awk----------okt(e|)', T);
    });
    expect(h.timedLog).toEqual(['0 send_message:1', '12 confirm_tool_action:2']);
    expect(h.sockets.sent[1]).toMatchObject({ approved: false });
    const h2 = harness(gated);
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(h2.client.turn({ sessionId: 's', message: 'x' }).pipe(confirmWrites(() => NEVER, { decisionTimeoutMs: 10, onDecisionTimeout: 'error' })))).toBe(
        '-awk--------#',
        T,
        expect.any(ConfirmDecisionTimeoutError),
      );
    });
    expect(h2.timedLog).toEqual(['0 send_message:1', '12 cancel:1']);
  });

  it('an error from the server or from decide errors the stream and cancels the turn', () => {
    const h = harness((a, socket) => (a.action === 'confirm_tool_action' ? [[1, error(a.requestId, 'NO_PENDING_CONFIRMATION')]] : gated(a, socket)));
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'x' }).pipe(confirmWrites(() => true)))).toBe('-aw(k#)', T, expect.objectContaining({ code: 'NO_PENDING_CONFIRMATION' }));
    });
    expect(h.sentLog()).toEqual(['send_message:1', 'confirm_tool_action:2', 'cancel:1']);
    const h2 = harness(gated);
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(h2.client.turn({ sessionId: 's', message: 'x' }).pipe(confirmWrites(() => throwError(() => new Error('ui gone')))))).toBe('-a(w#)', T, new Error('ui gone'));
    });
  });

  it('a pending decision is dropped when the turn ends, and events without asks pass untouched', () => {
    const h = harness((a) => (a.action === 'send_message' ? [[1, ack(a.requestId)], [2, writeConfirmation(a.requestId, 'x')], [4, { type: 'cancelled', status: 499, requestId: a.requestId, data: { requestId: a.requestId, status: 499 } }]] : undefined));
    testScheduler().run(({ expectObservable, expectSubscriptions, cold }) => {
      const decision = cold<boolean>('-------y|', { y: true });
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'x' }).pipe(confirmWrites(() => decision)))).toBe('-aw-(c|)', T);
      expectSubscriptions(decision.subscriptions).toBe('--^-!');
    });
    expect(h.sentLog()).toEqual(['send_message:1']);
  });

  it('stopping is plain unsubscription: takeUntil(stop$) sends one cancel', () => {
    const h = harness(gated);
    const stop$ = new Subject<void>();
    testScheduler().run(({ expectObservable }) => {
      timer(7).subscribe(() => stop$.next());
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'x' }).pipe(confirmWrites(() => NEVER), takeUntil(stop$)))).toBe('-awk---|', T);
    });
    expect(h.timedLog).toEqual(['0 send_message:1', '7 cancel:1']);
  });

  it('keeps the stream type and hands decide the typed ask', () => {
    const op = confirmWrites((ask) => {
      expectTypeOf(ask).toEqualTypeOf<WriteConfirmationRequiredEvent>();
      return of(true);
    });
    expectTypeOf(of<TurnEvent>().pipe(op)).toEqualTypeOf<Observable<TurnEvent>>();
    expect(typeof op).toBe('function');
  });
});
