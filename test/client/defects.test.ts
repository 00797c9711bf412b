/**
 * Defects found by trying the client as users, servers and attackers would (issue 8), each
 * reproduced through the public API: hostile frames, unserializable actions, answers the server
 * never acknowledges, sockets that fail at once, resumes around an abandoned turn, envelope
 * fields, reply status, secrets in URLs and the state after close().
 */
import { VirtualTimeScheduler, firstValueFrom, map, toArray, type Observable } from 'rxjs';
import { createSmoothClient } from '../../src/client/client.js';
import type { Diagnostic } from '../../src/client/diagnostics.js';
import type { SmoothError } from '../../src/errors.js';
import type { ClientAction } from '../../src/generated/types.js';
import { chunkFrame } from '../../src/testing/frames.js';
import { FakeSockets } from '../../src/testing/fake-socket.js';
import { turnOf } from '../../src/turn/context.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import { ack, cancelled, error, eventual, interactionInvalid, interactionRequired, ok, session, token, toolCall, writeConfirmation } from '../fixtures/events.js';
import { withToken } from '../../src/client/url.js';
import { validateAction } from '../../src/validation/validate.js';
import { harness, short, testScheduler } from './harness.js';

const types = (turn$: Observable<TurnEvent>) => turn$.pipe(map((e) => e.type));

/** Runs turn `one` to its end on virtual time: `onEvent` sees each event; a turn error is recorded as `turn CODE`. */
function runTurn(h: ReturnType<typeof harness>, onEvent: (event: TurnEvent, outcome: string[]) => void): string[] {
  const outcome: string[] = [];
  testScheduler().run(({ flush }) => {
    h.client.turn({ sessionId: 's', message: 'one' }).subscribe({ next: (e) => onEvent(e, outcome), error: (err: SmoothError) => outcome.push(`turn ${err.code}`) });
    flush();
  });
  return outcome;
}

describe('hostile frames (1)', () => {
  const deep = (depth: number): string => `${'['.repeat(depth)}"x"${']'.repeat(depth)}`;
  it.each([
    ['an object type with a non-callable toString', '{"type":{"toString":1}}'],
    ['a type nested 10,000 arrays deep', `{"type":${deep(10_000)},"requestId":"x"}`],
    ['a type that is a Symbol-like object', '{"type":{"valueOf":1,"toString":1},"requestId":{"toString":1}}'],
  ])('%s is an invalid-frame diagnostic and the turn goes on', (_name, frame) => {
    const h = harness((a) => {
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, frame], [3, token(a.requestId, 'ok')], [4, eventual(a.requestId, 'ok')]];
    });
    const diagnostics: Diagnostic[] = [];
    h.client.diagnostics$.subscribe((d) => diagnostics.push(d));
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'hi' }))).toBe('-a-t(e|)', { a: 'immediate_response', t: 'stream_token', e: 'eventual_response' });
    });
    expect(diagnostics.map((d) => d.kind)).toEqual(['invalid-frame']);
    expect(typeof diagnostics[0]?.message).toBe('string');
  });

  it('an unknown type a megabyte long is reported with a message of bounded length (the frame keeps it whole)', () => {
    const type = 'x'.repeat(1_000_000);
    const h = harness((a) => {
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, { type, requestId: a.requestId }], [3, eventual(a.requestId, 'ok')]];
    });
    const diagnostics: Diagnostic[] = [];
    h.client.diagnostics$.subscribe((d) => diagnostics.push(d));
    runTurn(h, () => undefined);
    expect(diagnostics.map((d) => d.kind)).toEqual(['unknown-event-type']);
    expect(diagnostics[0]?.message.length).toBeLessThan(200);
    expect(diagnostics[0]).toMatchObject({ type });
  });
});

describe('actions that cannot be serialized (2)', () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  it.each([
    ['a BigInt', { n: 1n }],
    ['a cycle', cyclic],
  ])('%s in metadata fails only that call with INVALID_ACTION; the running turn goes on', (_name, metadata) => {
    for (const validateOutgoing of [validateAction, false] as const) {
      const h = harness(
        (a) => {
          if (a.action === 'send_message') return [[1, ack(a.requestId)], [5, token(a.requestId, 'ok')], [6, eventual(a.requestId, 'ok')]];
        },
        { validateOutgoing },
      );
      const outcome: string[] = [];
      testScheduler().run(({ expectObservable, cold }) => {
        expectObservable(types(h.client.turn({ sessionId: 's', message: 'hi' }))).toBe('-a---t(e|)', { a: 'immediate_response', t: 'stream_token', e: 'eventual_response' });
        cold('--x').subscribe(() =>
          h.client.createSession({ agentId: 'a', metadata: metadata as Record<string, unknown> }).subscribe({ error: (err: SmoothError) => outcome.push(err.code) }),
        );
      });
      expect(outcome).toEqual(['INVALID_ACTION']);
      expect(h.sentLog()).toEqual(['send_message:1']);
    }
  });
});

describe('answers the server never acknowledges (3)', () => {
  it('an unanswered confirm() guards the parked turn again: it ends with TURN_TIMEOUT, and the next turn runs', () => {
    const h = harness(
      (a) => {
        if (a.action === 'send_message' && short(a.requestId) === '1') return [[1, ack(a.requestId)], [2, writeConfirmation(a.requestId, 'w')]];
        if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, eventual(a.requestId, 'two')]];
        if (a.action === 'cancel') return [[1, cancelled(a.requestId)]];
      },
      { turnTimeoutMs: 100, requestTimeoutMs: 20 },
    );
    const outcome: string[] = [];
    testScheduler().run(({ expectObservable, flush }) => {
      h.client.turn({ sessionId: 's', message: 'one' }).subscribe({
        next: (e) => {
          if (e.type === 'write_confirmation_required') turnOf(e).confirm(true).subscribe({ error: (err: SmoothError) => outcome.push(`confirm ${err.code}`) });
        },
        error: (err: SmoothError) => outcome.push(`turn ${err.code}`),
      });
      // long after the human answered, nothing came: the turn's guard fires
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'two' }))).toBe(`${'-'.repeat(104)}a(e|)`, { a: 'immediate_response', e: 'eventual_response' });
      flush();
    });
    expect(outcome).toEqual(['confirm REQUEST_TIMEOUT', 'turn TURN_TIMEOUT']);
  });

  it('an unanswered submitInteraction() guards the parked turn again', () => {
    const h = harness(
      (a) => {
        if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, interactionRequired(a.requestId, 'i1')]];
      },
      { turnTimeoutMs: 100, requestTimeoutMs: 0 },
    );
    const outcome = runTurn(h, (e, outcome) => {
      if (e.type === 'interaction_required') turnOf(e).submitInteraction({ interactionId: 'i1', values: { email: 'a@b.c' } }).subscribe({ error: (err: SmoothError) => outcome.push(`submit ${err.code}`) });
    });
    expect(outcome).toEqual(['submit TURN_TIMEOUT', 'turn TURN_TIMEOUT']);
    expect(h.sentLog()).toEqual(['send_message:1', 'submit_interaction:1', 'cancel:1']);
  });

  it('interaction_invalid parks the turn again: the human fixing the form has no timeout', () => {
    const h = harness(
      (a) => {
        if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, interactionRequired(a.requestId, 'i1')]];
        if (a.action === 'submit_interaction') return [[1, interactionInvalid(a.requestId, 'i1')]];
      },
      { turnTimeoutMs: 100 },
    );
    const outcome = runTurn(h, (e, outcome) => {
      if (e.type === 'interaction_required') turnOf(e).submitInteraction({ interactionId: 'i1', values: { email: 'x' } }).subscribe((o) => outcome.push(o.type));
    });
    expect(outcome).toEqual(['interaction_invalid']);
  });
});

describe('a socket that fails at once (4)', () => {
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

describe('resumes around an abandoned turn (5, 6)', () => {
  it('a resume error while draining belongs to the resume: the slot is held until cancelled', () => {
    const h = harness((a) => {
      if (a.action === 'send_message' && short(a.requestId) === '1') return [[1, ack(a.requestId)], [2, interactionRequired(a.requestId, 'i1')]];
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, eventual(a.requestId, 'two')]];
      if (a.action === 'submit_interaction') return [[3, error(a.requestId, 'INTERACTION_MISMATCH')]];
      if (a.action === 'cancel') return [[6, cancelled(a.requestId)]];
    });
    const outcome: string[] = [];
    testScheduler().run(({ cold, flush }) => {
      const first = h.client.turn({ sessionId: 's', message: 'one' }).subscribe({
        next: (e) => {
          if (e.type === 'interaction_required') turnOf(e).submitInteraction({ interactionId: 'stale', values: {} }).subscribe({ error: (err: SmoothError) => outcome.push(`submit ${err.code}`) });
        },
      });
      cold('----x').subscribe(() => first.unsubscribe());
      h.client.turn({ sessionId: 's', message: 'two' }).subscribe({ error: (err: SmoothError) => outcome.push(`two ${err.code}`), complete: () => outcome.push('two done') });
      flush();
    });
    // submit at 2, abandoned (cancel) at 4, mismatch at 5, cancelled at 10: only then the next turn
    expect(h.timedLog).toEqual(['0 send_message:1', '2 submit_interaction:1', '4 cancel:1', '10 send_message:2']);
    expect(outcome).toEqual(['submit TURN_ENDED', 'two done']);
  });

  it('a submit pending when its turn is abandoned is settled, even without a request timeout', () => {
    const h = harness(
      (a) => {
        if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, interactionRequired(a.requestId, 'i1')]];
        if (a.action === 'cancel') return [[1, cancelled(a.requestId)]];
      },
      { requestTimeoutMs: 0 },
    );
    const outcome: string[] = [];
    testScheduler().run(({ cold, flush }) => {
      const turn = h.client.turn({ sessionId: 's', message: 'one' }).subscribe({
        next: (e) => {
          if (e.type === 'interaction_required') {
            turnOf(e).submitInteraction({ interactionId: 'i1', values: {} }).subscribe({ error: (err: SmoothError) => outcome.push(`submit ${err.code}`), complete: () => outcome.push('submit complete') });
            turnOf(e).confirm(true).subscribe({ error: (err: SmoothError) => outcome.push(`confirm ${err.code}`), complete: () => outcome.push('confirm complete') });
          }
        },
      });
      cold('-----x').subscribe(() => turn.unsubscribe());
      flush();
    });
    expect(outcome).toEqual(['submit TURN_ENDED', 'confirm TURN_ENDED']);
  });
});

describe('cancel() inside next(ask) (7)', () => {
  it('is guarded: an unanswered cancel ends the turn with TURN_TIMEOUT', () => {
    const h = harness((a) => {
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, writeConfirmation(a.requestId, 'w')]];
    }, { turnTimeoutMs: 50 });
    const outcome: string[] = [];
    testScheduler().run(({ flush }) => {
      h.client.turn({ sessionId: 's', message: 'one' }).subscribe({
        next: (e) => {
          if (e.type === 'write_confirmation_required') turnOf(e).cancel().subscribe();
        },
        error: (err: SmoothError) => outcome.push(err.code),
      });
      flush();
    });
    expect(outcome).toEqual(['TURN_TIMEOUT']);
  });
});

describe('a parked turn and state-only chunks (13)', () => {
  it('a state-only stream_chunk does not unpark: no TURN_TIMEOUT while the human decides', () => {
    const h = harness((a) => {
      if (a.action === 'send_message') {
        return [[1, ack(a.requestId)], [2, writeConfirmation(a.requestId, 'w')], [3, toolCall(a.requestId, 'w', {})], [4, chunkFrame(a.requestId, 'agent', { structuredResponse: { x: 1 } })]];
      }
      if (a.action === 'confirm_tool_action') return [[1, ok(a.requestId, { approved: true })]];
    }, { turnTimeoutMs: 50 });
    const outcome: string[] = [];
    testScheduler().run(({ flush }) => {
      h.client.turn({ sessionId: 's', message: 'one' }).subscribe({ error: (err: SmoothError) => outcome.push(err.code) });
      flush();
    });
    expect(outcome).toEqual([]);
    expect(h.sentLog()).toEqual(['send_message:1']);
  });
});

describe('the envelope (14)', () => {
  it('caller fields never override action and requestId', () => {
    const sent: ClientAction[] = [];
    const h = harness((a) => {
      sent.push(a);
      if (a.action === 'create_conversation_session') return [[1, ok(a.requestId, session())]];
    }, { validateOutgoing: false });
    testScheduler().run(({ expectObservable }) => {
      const hostile = { agentId: 'a', requestId: 'mine', action: 'x' } as unknown as Parameters<typeof h.client.createSession>[0];
      expectObservable(h.client.createSession(hostile).pipe(map((s) => s.sessionId))).toBe('-(s|)', { s: 'sess-1' });
      h.client.getMessages({ sessionId: 's', requestId: 'mine', action: 'x' } as unknown as Parameters<typeof h.client.getMessages>[0]).subscribe({ error: () => undefined });
      h.client.listConversations({ requestId: 'mine', action: 'x' } as unknown as Parameters<typeof h.client.listConversations>[0]).subscribe({ error: () => undefined });
    });
    expect(sent.map((a) => a.action).sort()).toEqual(['create_conversation_session', 'get_conversation_messages', 'list_conversations']);
    expect(sent.map((a) => a.requestId)).not.toContain('mine');
  });
});

describe('request replies (15)', () => {
  it('a 202 does not answer a request: reported as unexpected, the 200 answers it', () => {
    const h = harness((a) => {
      if (a.action === 'get_session') return [[1, { ...ok(a.requestId, session()), status: 202 }], [2, ok(a.requestId, session())]];
    });
    const kinds: string[] = [];
    h.client.diagnostics$.subscribe((d) => kinds.push(d.kind));
    testScheduler().run(({ expectObservable }) => {
      expectObservable(h.client.getSession('s').pipe(map((s) => s.sessionId))).toBe('--(s|)', { s: 'sess-1' });
    });
    expect(kinds).toEqual(['unexpected-event']);
  });
});

describe('secrets in URLs (16)', () => {
  const secret = 'S3CRET-tok';
  it.each([
    ['a malformed URL with the token inside', { url: `ws://exa mple/ws?token=${secret}` }],
    ['a malformed URL and the token option', { url: 'ws://exa mple/ws', token: secret }],
    ['a non-ws scheme and the token option', { url: 'nope', token: secret }],
  ])('%s: a SmoothError without the token', async (_name, options) => {
    const client = createSmoothClient({ ...options });
    const err = await firstValueFrom(client.ping()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as SmoothError).code).toMatch(/^[A-Z_]+$/);
    expect(JSON.stringify(err)).not.toContain(secret);
    expect(String((err as Error).message)).not.toContain(secret);
    expect(String((err as Error).stack)).not.toContain(secret);
    expect(Object.values(err as object).map(String).join(' ')).not.toContain(secret);
    client.close();
  });

  it('a server that echoes the token in bad frames does not get it into diagnostics$', () => {
    const h = harness(
      (a) => {
        if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, `not json ${secret}`], [3, { type: `x-${secret}`, requestId: a.requestId }], [4, eventual(a.requestId, 'ok')]];
      },
      { token: secret },
    );
    const diagnostics: Diagnostic[] = [];
    h.client.diagnostics$.subscribe((d) => diagnostics.push(d));
    runTurn(h, () => undefined);
    expect(diagnostics.map((d) => d.kind)).toEqual(['unparseable-frame', 'unknown-event-type']);
    const texts = diagnostics.map((d) => `${d.message} ${d.kind === 'unparseable-frame' ? d.raw : ''}`).join(' ');
    expect(texts).not.toContain(secret);
    expect(texts).toContain('***');
  });
});

describe('state$ after close() (17)', () => {
  it('replays closed, then completes', async () => {
    const sockets = new FakeSockets();
    const client = createSmoothClient({ url: 'ws://test/ws', webSocketImpl: sockets.WebSocket });
    client.close();
    expect(await firstValueFrom(client.state$.pipe(toArray()))).toEqual([{ status: 'closed', why: 'client', closeCode: undefined, reason: undefined }]);
  });
});

describe('an answer to an ask the server already resolved', () => {
  it('fails only that resume, is reported as moot-answer, and the turn goes on', () => {
    const h = harness((a) => {
      if (a.action === 'send_message') {
        return [[1, ack(a.requestId)], [2, interactionRequired(a.requestId, 'i1')], [4, token(a.requestId, 'on')], [6, eventual(a.requestId, 'on')]];
      }
      if (a.action === 'submit_interaction') return [[2, error(a.requestId, 'NO_PENDING_INTERACTION')]];
    });
    const outcome: string[] = [];
    h.client.diagnostics$.subscribe((d) => outcome.push(d.kind));
    testScheduler().run(({ expectObservable, cold }) => {
      let ask: TurnEvent | undefined;
      const turn$ = h.client.turn({ sessionId: 's', message: 'one' });
      expectObservable(types(turn$.pipe(map((e) => ((ask ??= e.type === 'interaction_required' ? e : undefined), e))))).toBe('-ai-t-(e|)', {
        a: 'immediate_response',
        i: 'interaction_required',
        t: 'stream_token',
        e: 'eventual_response',
      });
      // the human answers at 3; the server had resumed by itself (token at 4) when the answer arrives
      cold('---x').subscribe(() => {
        if (ask) turnOf(ask).submitInteraction({ interactionId: 'i1', values: {} }).subscribe({ error: (err: SmoothError) => outcome.push(`submit ${err.code}`) });
      });
    });
    expect(outcome).toEqual(['moot-answer', 'submit NO_PENDING_INTERACTION']);
  });
});

describe('a moot answer on a running turn', () => {
  it('does not park the turn again: it stays guarded by its inactivity timeout', () => {
    const h = harness(
      (a) => {
        if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, interactionRequired(a.requestId, 'i1')], [4, token(a.requestId, 'on')]];
        if (a.action === 'submit_interaction') return [[2, error(a.requestId, 'NO_PENDING_INTERACTION')]];
      },
      { turnTimeoutMs: 50 },
    );
    const outcome: string[] = [];
    testScheduler().run(({ cold, flush }) => {
      let ask: TurnEvent | undefined;
      h.client.turn({ sessionId: 's', message: 'one' }).subscribe({
        next: (e) => (ask ??= e.type === 'interaction_required' ? e : undefined),
        error: (err: SmoothError) => outcome.push(`turn ${err.code}`),
      });
      cold('---x').subscribe(() => {
        if (ask) turnOf(ask).submitInteraction({ interactionId: 'i1', values: {} }).subscribe({ error: (err: SmoothError) => outcome.push(`submit ${err.code}`) });
      });
      flush();
    });
    expect(outcome).toEqual(['submit NO_PENDING_INTERACTION', 'turn TURN_TIMEOUT']);
  });
});

describe('a malformed answer on a running turn', () => {
  it('fails only that answer and is not reported as moot: the answer itself was wrong', () => {
    const h = harness((a) => {
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, interactionRequired(a.requestId, 'i1')], [4, token(a.requestId, 'on')], [9, eventual(a.requestId, 'on')]];
      if (a.action === 'submit_interaction') return [[2, error(a.requestId, 'VALIDATION_ERROR')]];
    });
    const outcome: string[] = [];
    h.client.diagnostics$.subscribe((d) => outcome.push(d.kind));
    const turn = runTurn(h, (e) => {
      if (e.type === 'stream_token') turnOf(e).submitInteraction({ interactionId: 'i1', values: {} }).subscribe({ error: (err: SmoothError) => outcome.push(`submit ${err.code}`) });
    });
    expect([...outcome, ...turn]).toEqual(['submit VALIDATION_ERROR']);
  });
});

describe('review findings', () => {
  it('a confirm still unanswered when the turn times out is settled with the timeout', () => {
    const h = harness((a) => {
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, writeConfirmation(a.requestId, 'w')]];
    }, { turnTimeoutMs: 50, requestTimeoutMs: 0 });
    const outcome = runTurn(h, (e, outcome) => {
      if (e.type === 'write_confirmation_required') turnOf(e).confirm(true).subscribe({ error: (err: SmoothError) => outcome.push(`confirm ${err.code}`) });
    });
    expect(outcome).toEqual(['confirm TURN_TIMEOUT', 'turn TURN_TIMEOUT']);
  });

  it('an unanswered cancel stays guarded when interaction_invalid parks the turn again', () => {
    const h = harness((a) => {
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, interactionRequired(a.requestId, 'i1')]];
      if (a.action === 'submit_interaction') return [[2, interactionInvalid(a.requestId, 'i1')]];
    }, { turnTimeoutMs: 50 });
    const outcome: string[] = [];
    testScheduler().run(({ flush }) => {
      h.client.turn({ sessionId: 's', message: 'one' }).subscribe({
        next: (e) => {
          if (e.type === 'interaction_required') {
            turnOf(e).submitInteraction({ interactionId: 'i1', values: { email: 'x' } }).subscribe();
            turnOf(e).cancel().subscribe();
          }
        },
        error: (err: SmoothError) => outcome.push(err.code),
      });
      flush();
    });
    expect(outcome).toEqual(['TURN_TIMEOUT']);
  });

  it('a resume error while draining after a timeout belongs to the resume: the slot is held until cancelled', () => {
    const h = harness((a) => {
      if (a.action === 'send_message' && short(a.requestId) === '1') return [[1, ack(a.requestId)], [2, interactionRequired(a.requestId, 'i1')]];
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, eventual(a.requestId, 'two')]];
      if (a.action === 'submit_interaction') return [[60, error(a.requestId, 'INTERACTION_MISMATCH')]];
      if (a.action === 'cancel') return [[20, cancelled(a.requestId)]];
    }, { turnTimeoutMs: 50, requestTimeoutMs: 0 });
    testScheduler().run(({ flush }) => {
      h.client.turn({ sessionId: 's', message: 'one' }).subscribe({
        next: (e) => {
          if (e.type === 'interaction_required') turnOf(e).submitInteraction({ interactionId: 'stale', values: {} }).subscribe({ error: () => undefined });
        },
        error: () => undefined,
      });
      h.client.turn({ sessionId: 's', message: 'two' }).subscribe({ error: () => undefined });
      flush();
    });
    // submit at 2 re-arms the guard: timeout at 52 (cancel), mismatch at 62, cancelled at 72
    expect(h.timedLog).toEqual(['0 send_message:1', '2 submit_interaction:1', '52 cancel:1', '72 send_message:2']);
  });

  it('a confirm refused while still parked parks the turn again: no timeout while the human retries', () => {
    const h = harness((a) => {
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, writeConfirmation(a.requestId, 'w')]];
      if (a.action === 'confirm_tool_action') return [[1, error(a.requestId, 'VALIDATION_ERROR')]];
    }, { turnTimeoutMs: 50 });
    const outcome = runTurn(h, (e, outcome) => {
      if (e.type === 'write_confirmation_required') turnOf(e).confirm(true).subscribe({ error: (err: SmoothError) => outcome.push(`confirm ${err.code}`) });
    });
    expect(outcome).toEqual(['confirm VALIDATION_ERROR']);
  });

  it('a URL without a token is passed through as given (browsers resolve relative URLs)', () => {
    expect(withToken('/ws', undefined)).toBe('/ws');
    expect(withToken('ws://h', undefined)).toBe('ws://h');
  });
});
