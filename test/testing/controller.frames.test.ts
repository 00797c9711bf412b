import { TestScheduler } from 'rxjs/testing';
import { createSmoothClient } from '../../src/client/client.js';
import type { Diagnostic } from '../../src/client/diagnostics.js';
import type { ServerEvent } from '../../src/generated/types.js';
import { parseScript } from '../../src/testing/controller/marbles.js';
import { SmoothTestingController, serverFrames as f } from '../../src/testing/index.js';
import { turnOf } from '../../src/turn/context.js';
import { validateEvent } from '../../src/validation/validate.js';

const id = 'rx-test-1';

/** One frame per builder (and per notable variant). */
const built: Record<string, ServerEvent> = {
  immediate: f.immediateFrame(id, 200, 'OK', { sessionId: 's1' }),
  accepted: f.acceptedFrame(id),
  token: f.tokenFrame(id, 'Hel'),
  reasoning: f.reasoningFrame(id, 'hmm'),
  preamble: f.preambleFrame(id, 'Looking that up'),
  chunk: f.chunkFrame(id, 'knowledge_search', { rawResponse: null, structuredResponse: { snippets: ['x'] } }),
  toolCall: f.toolCallFrame(id, 'lookup_order', { id: '123' }),
  toolResult: f.toolResultFrame(id, 'lookup_order', 'shipped'),
  toolError: f.toolResultFrame(id, 'delete_record', 'Denied by human: user rejected the action', true),
  writeConfirmation: f.writeConfirmationFrame(id, 'delete_record'),
  interactionRequired: f.interactionRequiredFrame(id, { interactionId: 'ix', kind: 'identity_intake', spec: { fields: [{ key: 'email', required: true }] }, reason: 'why' }),
  interactionRequiredNoReason: f.interactionRequiredFrame(id, { interactionId: 'ix', kind: 'choices', spec: { questions: [{ question: 'Plan?', header: 'Plan', options: [{ label: 'Basic' }, { label: 'Pro' }] }] } }),
  interactionInvalid: f.interactionInvalidFrame(id, 'ix', 'identity_intake', [{ field: 'email', message: 'bad' }]),
  interactionInvalidNoKind: f.interactionInvalidFrame(id, 'ix', undefined, [{ message: 'bad' }]),
  otpRequired: f.otpRequiredFrame(id, { toolId: 'pay_invoice' }),
  otpSent: f.otpSentFrame(id, 'email', 'j***@example.com'),
  otpVerified: f.otpVerifiedFrame(id),
  otpInvalid: f.otpInvalidFrame(id, 2),
  otpLocked: f.otpInvalidFrame(id, 0),
  eventual: f.eventualFrame(id, 'Hello'),
  eventualRich: f.eventualFrame(id, {
    parts: ['One.', 'Two.'],
    citations: [{ id: 'faq.md', title: 'faq.md', snippet: 'x', score: 2 }],
    usage: { promptTokens: 20, completionTokens: 10, costUsd: 0.00007 },
    needsEscalation: true,
    escalationReason: 'angry',
    directive: { kind: 'handoff' },
    response: { resolutionStatus: 'resolved' },
  }),
  cancelled: f.cancelledFrame(id),
  error: f.errorFrame(id, 'SESSION_NOT_FOUND'),
  errorWithDetails: f.errorFrame(id, 'VALIDATION_ERROR', 'bad', { field: 'message' }),
  errorUnattributed: f.errorFrame(undefined, 'VALIDATION_ERROR', 'Invalid JSON'),
  pong: f.pongFrame(id),
};

describe('frame builders', () => {
  it.each(Object.entries(built))('%s validates', (_, frame) => {
    expect(validateEvent(frame)).toEqual({ valid: true, value: frame });
  });

  it('are shaped like reference servers: field order, mirrored fields, doubly nested data', () => {
    expect(Object.keys(built.accepted ?? {})).toEqual(['type', 'status', 'message', 'data', 'timestamp', 'requestId']);
    expect(built.token).toEqual({ type: 'stream_token', requestId: id, token: 'Hel', data: { requestId: id, token: 'Hel' }, timestamp: expect.any(Number) });
    expect(Object.keys(built.token ?? {})).toEqual(['type', 'requestId', 'token', 'data', 'timestamp']);
    expect(built.toolCall).toMatchObject({ node: 'lookup_order', data: { requestId: id, node: 'lookup_order', state: { rawResponse: { toolCall: { name: 'lookup_order', arguments: { id: '123' } } } } } });
    expect(built.writeConfirmation).toMatchObject({ data: { requestId: id, data: { toolId: 'delete_record', actionDescription: "Approve calling tool 'delete_record'?" } } });
    expect(built.eventual).toEqual({
      type: 'eventual_response',
      requestId: id,
      status: 200,
      data: {
        requestId: id,
        status: 200,
        data: {
          messageId: `msg-${id}`,
          response: { responseParts: ['Hello'], customerHappinessScore: 0.5, needsSatisfactionScore: 0.5, requestSummary: '', resolutionStatus: 'in_progress', suggestedNextActions: [] },
          needsEscalation: false,
          usage: { costUsd: 3.5e-5, promptTokens: 10, completionTokens: 5 },
        },
      },
      timestamp: expect.any(Number),
    });
    expect(built.cancelled).toEqual({ type: 'cancelled', status: 499, data: { status: 499, requestId: id }, timestamp: expect.any(Number), requestId: id });
    expect(built.error).toEqual({ type: 'error', error: { code: 'SESSION_NOT_FOUND', message: 'Session not found' }, data: { error: { code: 'SESSION_NOT_FOUND', message: 'Session not found' }, requestId: id }, timestamp: expect.any(Number), requestId: id });
    expect(built.errorUnattributed).not.toHaveProperty('requestId');
    expect(built.otpLocked).toMatchObject({ data: { data: { attemptsRemaining: 0, error: 'MAX_ATTEMPTS' } } });
  });

  it('splitTokens splits anywhere into about n pieces, never inside a code point', () => {
    expect(f.splitTokens('Hello from the engine!')).toEqual(['Hello fr', 'om the e', 'ngine!']);
    expect(f.splitTokens('😀😀😀😀', 2)).toEqual(['😀😀', '😀😀']);
    expect(f.splitTokens('')).toEqual([]);
  });
});

describe('every TestTurn and expectation method sends frames the client accepts', () => {
  it('no invalid frame reaches the client', () => {
    const server = new SmoothTestingController();
    const client = createSmoothClient({ url: 'ws://test/ws', webSocketImpl: server.WebSocket, turnTimeoutMs: 0, requestTimeoutMs: 0 });
    const diagnostics: Diagnostic[] = [];
    client.diagnostics$.subscribe((d) => diagnostics.push(d));
    new TestScheduler(() => undefined).run(({ flush }) => {
      client.turn({ sessionId: 's1', message: 'everything' }).subscribe({ error: () => undefined });
      client.turn({ sessionId: 's1', message: 'second' }).subscribe({ error: () => undefined });
      client.turn({ sessionId: 's1', message: 'third' }).subscribe({ error: () => undefined });
      client.turn({ sessionId: 's1', message: 'fourth' }).subscribe({
        next: (e) => {
          if (e.type === 'interaction_required') turnOf(e).submitInteraction({ interactionId: e.data.data.interactionId, declined: true }).subscribe({ error: () => undefined });
        },
        error: () => undefined,
      });
      client.createSession({ agentId: 'a' }).subscribe();
      client.getSession('s1').subscribe({ error: () => undefined });
      client.getMessages({ sessionId: 's1' }).subscribe();
      client.listConversations().subscribe();
      client.ping().subscribe();
      flush();
      const turn = server.expectTurn('everything');
      turn.accept().reasoning('r').preamble('p').token('t').stream('streamed').chunk('node', { structuredResponse: { a: 1 } });
      turn.toolCall('tool').toolResult('tool', { ok: true }).toolResult('tool', 'no', true).requireOtp('tool').respond({ parts: ['a', 'b'] });
      // A parked turn takes nothing but its ask's tool call, its ending and, once the client submitted, interaction_invalid until the client's answer is acked.
      server.expectTurn('second').accept().requireConfirmation('tool', { args: {} }).cancelled();
      server.expectTurn('third').error('AGENT_ERROR');
      const fourth = server.expectTurn('fourth').accept();
      fourth.requireInteraction('choices', { questions: [{ question: 'Q?', header: 'Q', options: [{ label: 'a' }, { label: 'b' }] }] }, undefined, { toolCall: true });
      server.expectSubmit();
      fourth.interactionInvalid([{ field: 'x', message: 'y' }]).error('AGENT_ERROR');
      server.expectRequest('create_conversation_session').respond();
      server.expectRequest('get_session').error('SESSION_NOT_FOUND');
      server.expectRequest('get_conversation_messages').respond(f.messagesPageData());
      server.expectRequest('list_conversations').respond(f.conversationListData());
      server.expectRequest('ping').respond();
      flush();
    });
    expect(diagnostics).toEqual([]);
    server.verify();
  });
});

describe('script marbles', () => {
  it('read like rxjs run-mode marbles', () => {
    expect(parseScript('-a-b')).toEqual([{ frame: 1, key: 'a' }, { frame: 3, key: 'b' }]);
    expect(parseScript('a(bc)d|')).toEqual([{ frame: 0, key: 'a' }, { frame: 1, key: 'b' }, { frame: 1, key: 'c' }, { frame: 5, key: 'd' }]);
    expect(parseScript('a 10ms b')).toEqual([{ frame: 0, key: 'a' }, { frame: 11, key: 'b' }]);
    expect(parseScript('  1s x')).toEqual([{ frame: 1000, key: 'x' }]);
    expect(() => parseScript('-^-a')).toThrow(/'\^' has no meaning in a server script/);
  });

  it('an unknown step fails at once', () => {
    const server = new SmoothTestingController();
    expect(() => server.expectTurn().play('-a-z', { a: (t) => t.accept() })).toThrow(/play\("-a-z"\): no step for 'z'/);
  });
});
