/**
 * What goes out: an action that cannot be serialized fails only its own call, and the envelope
 * (action, requestId) is the client's whatever the caller passes.
 */
import { map } from 'rxjs';
import type { SmoothError } from '../../src/errors.js';
import type { ClientAction } from '../../src/generated/types.js';
import { validateAction } from '../../src/validation/validate.js';
import { ack, eventual, ok, session, token } from '../fixtures/events.js';
import { harness, testScheduler, types } from './harness.js';

describe('actions that cannot be serialized', () => {
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

describe('the envelope', () => {
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
