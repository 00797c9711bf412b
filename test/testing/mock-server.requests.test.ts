/** Mock server: errors (sequence 7), one turn per connection, requests, history, resume, knowledge. */
import { objectValidators } from '../../src/generated/validators/index.js';
import { validateWith } from '../../src/validation/validate.js';
import { AGENT, shapes, tokensOf, useMockServers } from './mock-client.js';

const h = useMockServers();
const text = (t: string) => ({ kind: 'text' as const, text: t });
const call = (name: string, args: object) => ({ kind: 'toolCall' as const, name, arguments: JSON.stringify(args) });
const expectValidObject = (name: keyof typeof objectValidators, value: unknown) =>
  expect(validateWith(objectValidators[name], value)).toMatchObject({ valid: true });

describe('7. errors', () => {
  it('unknown session → SESSION_NOT_FOUND shaped as recorded', async () => {
    const server = await h.server();
    const client = await h.client(server);
    const sessionId = '00000000-0000-0000-0000-000000000000';
    const reply = await client.request({ action: 'send_message', requestId: 'r-orphan', sessionId, message: 'is anyone there?', stream: true });
    const error = { code: 'SESSION_NOT_FOUND', message: `session '${sessionId}' not found` };
    expect(reply).toEqual({ type: 'error', error, data: { error, requestId: 'r-orphan' }, timestamp: expect.any(Number), requestId: 'r-orphan' });
    for (const action of ['get_session', 'get_conversation_messages']) {
      expect((await client.request({ action, requestId: `q-${action}`, sessionId })).error.code).toBe('SESSION_NOT_FOUND');
    }
    expect((await client.request({ action: 'verify_otp', requestId: 'v', sessionId, code: '1' })).error.code).toBe('SESSION_NOT_FOUND');
  });

  it('invalid JSON → VALIDATION_ERROR without requestId; missing action → VALIDATION_ERROR echoing requestId', async () => {
    const server = await h.server();
    const client = await h.client(server);
    client.send('{ not json');
    const bad = await client.next();
    expect(bad).toMatchObject({ type: 'error', error: { code: 'VALIDATION_ERROR' }, data: { error: { code: 'VALIDATION_ERROR' } } });
    expect(bad.requestId).toBeUndefined();
    expect(bad.data.requestId).toBeUndefined();
    const missing = await client.request({ requestId: 'r-1', sessionId: 's' });
    expect(missing).toMatchObject({ type: 'error', requestId: 'r-1', error: { code: 'VALIDATION_ERROR', message: "frame must have required property 'action'" } });
    client.send('[1,2]');
    expect((await client.next()).error.code).toBe('VALIDATION_ERROR');
  });

  it('unknown action → UNSUPPORTED_ACTION echoing requestId', async () => {
    const server = await h.server();
    const client = await h.client(server);
    const reply = await client.request({ action: 'teleport', requestId: 'r-2' });
    expect(reply).toMatchObject({ type: 'error', requestId: 'r-2', error: { code: 'UNSUPPORTED_ACTION', message: "unsupported action 'teleport'" }, data: { requestId: 'r-2' } });
  });

  it('an action failing validateAction → VALIDATION_ERROR with the first error message', async () => {
    const server = await h.server();
    const client = await h.client(server);
    const { sessionId } = await client.createSession();
    const empty = await client.request({ action: 'send_message', requestId: 'r-3', sessionId, message: '' });
    expect(empty).toMatchObject({ type: 'error', requestId: 'r-3', error: { code: 'VALIDATION_ERROR', message: '/message must NOT have fewer than 1 characters' } });
    const typo = await client.request({ action: 'ping', requestId: 'r-4', extra: 1 });
    expect(typo.error).toEqual({ code: 'VALIDATION_ERROR', message: "frame must NOT have additional property 'extra'" });
    const limit = await client.request({ action: 'get_conversation_messages', requestId: 'r-5', sessionId, limit: 101 });
    expect(limit.error.code).toBe('VALIDATION_ERROR');
  });

  it('an unknown skill → SKILL_NOT_FOUND (fail-closed); a listed skill runs', async () => {
    const server = await h.server({ skills: ['billing'], script: [text('ok')] });
    const client = await h.client(server);
    const { sessionId } = await client.createSession();
    const reply = await client.request({ action: 'send_message', requestId: 'r1', sessionId, message: 'hi', skill: 'nope' });
    expect(reply.error.code).toBe('SKILL_NOT_FOUND');
    client.send({ action: 'send_message', requestId: 'r2', sessionId, message: 'hi', skill: 'billing' });
    expect(shapes(await client.turn('r2'))).toEqual(['immediate_response 202', 'stream_token+', 'eventual_response']);
  });
});

describe('one turn per connection', () => {
  const confirmSetup = {
    script: [call('delete_record', { id: '1' }), text('first done'), text('second connection')],
    tools: [{ name: 'delete_record', result: 'deleted' }],
    confirmTools: ['delete_record'],
  };

  it('a second send_message while a turn is parked → TURN_IN_PROGRESS on the second requestId; the first is unaffected', async () => {
    const server = await h.server(confirmSetup);
    const client = await h.client(server);
    const { sessionId } = await client.createSession();
    client.send({ action: 'send_message', requestId: 'r1', sessionId, message: 'delete 1' });
    await client.until((f) => f.type === 'stream_chunk');
    const busy = await client.request({ action: 'send_message', requestId: 'r2', sessionId, message: 'and another' });
    expect(busy).toMatchObject({ type: 'error', requestId: 'r2', error: { code: 'TURN_IN_PROGRESS' }, data: { requestId: 'r2' } });
    client.send({ action: 'confirm_tool_action', requestId: 'c1', sessionId, approved: true });
    const rest = await client.turn('r1');
    expect(shapes(rest, 'r1')).toEqual(['stream_chunk toolResult', 'stream_token+', 'eventual_response']);
    expect(tokensOf(rest, 'r1').join('')).toBe('first done');
    expect(rest.some((f) => f.requestId === 'r2')).toBe(false);
  });

  it('a second send_message while a turn streams → TURN_IN_PROGRESS', async () => {
    const server = await h.server({ script: [text('slow answer here')], tokenDelayMs: 20 });
    const client = await h.client(server);
    const { sessionId } = await client.createSession();
    client.send({ action: 'send_message', requestId: 'r1', sessionId, message: 'a' });
    client.send({ action: 'send_message', requestId: 'r2', sessionId, message: 'b' });
    const frames = await client.turn('r1');
    expect(frames.filter((f) => f.requestId === 'r2').map((f) => f.error.code)).toEqual(['TURN_IN_PROGRESS']);
    expect(tokensOf(frames, 'r1').join('')).toBe('slow answer here');
  });

  it('another connection runs a concurrent turn on the same session; get_session reports active, then idle', async () => {
    const server = await h.server(confirmSetup);
    const a = await h.client(server);
    const b = await h.client(server);
    const { sessionId } = await a.createSession();
    a.send({ action: 'send_message', requestId: 'r1', sessionId, message: 'delete 1' });
    await a.until((f) => f.type === 'stream_chunk');
    expect((await b.request({ action: 'get_session', requestId: 'g1', sessionId })).data.status).toBe('active');
    const other = await b.say(sessionId!, 'hello from b', 'r2');
    expect(shapes(other)).toEqual(['immediate_response 202', 'stream_token+', 'eventual_response']);
    // Parks belong to their connection: a confirm from b finds none; a's own confirm resumes it.
    expect((await b.request({ action: 'confirm_tool_action', requestId: 'c0', sessionId, approved: true })).error.code).toBe('NO_PENDING_CONFIRMATION');
    a.send({ action: 'confirm_tool_action', requestId: 'c1', sessionId, approved: true });
    const rest = await a.turn('r1');
    expect(tokensOf(rest, 'r1').join('')).toBe('second connection');
    const session = await a.request({ action: 'get_session', requestId: 'g2', sessionId });
    expect(session.data.status).toBe('idle');
  });
});

describe('requests', () => {
  it('get_session → 200 with the session descriptor and status', async () => {
    const server = await h.server();
    const client = await h.client(server);
    const created = await client.createSession();
    const reply = await client.request({ action: 'get_session', requestId: 'g1', sessionId: created.sessionId });
    expect(reply).toMatchObject({ type: 'immediate_response', status: 200, requestId: 'g1' });
    expect(reply.data).toEqual({ ...created, status: 'idle' });
    expectValidObject('Session', reply.data);
  });

  it('ping → pong with requestId, timestamp and data.timestamp', async () => {
    const server = await h.server();
    const client = await h.client(server);
    const reply = await client.request({ action: 'ping', requestId: 'p1' });
    expect(reply).toEqual({ type: 'pong', requestId: 'p1', timestamp: expect.any(Number), data: { timestamp: reply.timestamp } });
  });

  it('get_conversation_messages pages the stored history newest first with opaque cursors', async () => {
    const server = await h.server({ script: [text('answer 1'), text('answer 2'), text('answer 3')] });
    const client = await h.client(server);
    const { sessionId, userParticipantId, agentParticipantId } = await client.createSession();
    for (const n of [1, 2, 3]) await client.say(sessionId!, `question ${n}`, `r${n}`);

    const pages: string[][] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 5; i += 1) {
      const reply = await client.request({ action: 'get_conversation_messages', requestId: `h${i}`, sessionId, limit: 4, ...(cursor ? { cursor } : {}) });
      expect(reply).toMatchObject({ type: 'immediate_response', status: 200 });
      expectValidObject('ConversationMessagesPage', reply.data);
      pages.push(reply.data.messages.map((m: { content: { text: string } }) => m.content.text));
      expect(reply.data.hasMore).toBe(reply.data.nextCursor !== null);
      if (i === 0) {
        const [newest, , , oldest] = reply.data.messages;
        expect(newest).toEqual({ id: expect.any(String), direction: 'outbound', content: { text: 'answer 3' }, from: agentParticipantId, to: userParticipantId, createdAt: expect.any(String) });
        expect(oldest).toMatchObject({ direction: 'inbound', content: { text: 'question 2' }, from: userParticipantId, to: agentParticipantId });
        expect(new Date(newest.createdAt).toISOString()).toBe(newest.createdAt);
      }
      cursor = reply.data.nextCursor ?? undefined;
      if (!cursor) break;
    }
    expect(pages).toEqual([
      ['answer 3', 'question 3', 'answer 2', 'question 2'],
      ['answer 1', 'question 1'],
    ]);
  });

  it('default limit 50; the eventual messageId is the stored reply id; bad cursors → VALIDATION_ERROR', async () => {
    const server = await h.server({ script: [text('hi')] });
    const client = await h.client(server);
    const { sessionId } = await client.createSession();
    const turn = await client.say(sessionId!, 'hello', 'r1');
    const page = await client.request({ action: 'get_conversation_messages', requestId: 'h1', sessionId });
    expect(page.data).toMatchObject({ hasMore: false, nextCursor: null });
    expect(page.data.messages[0].id).toBe(turn[turn.length - 1]!.data.data.messageId);
    for (const cursor of ['garbage', Buffer.from('before:999').toString('base64url'), '']) {
      const bad = await client.request({ action: 'get_conversation_messages', requestId: 'h2', sessionId, cursor });
      expect(bad).toMatchObject({ type: 'error', requestId: 'h2', error: { code: 'VALIDATION_ERROR' } });
    }
  });

  it('resumes a conversation by conversationId: new sessionId, same conversation, supports inherited', async () => {
    const server = await h.server({ script: [text('first reply'), call('request_identity_intake', { fields: [{ key: 'email', required: true }], reason: 'r' })] });
    const a = await h.client(server);
    const first = await a.createSession({ supports: ['identity_form'] });
    await a.say(first.sessionId!, 'remember me', 'r1');
    a.close();

    const b = await h.client(server);
    const resumed = await b.createSession({ conversationId: first.conversationId });
    expect(resumed.sessionId).not.toBe(first.sessionId);
    expect(resumed).toMatchObject({ conversationId: first.conversationId, userParticipantId: first.userParticipantId, agentParticipantId: first.agentParticipantId });
    const history = await b.request({ action: 'get_conversation_messages', requestId: 'h1', sessionId: resumed.sessionId });
    expect(history.data.messages.map((m: { content: { text: string } }) => m.content.text)).toEqual(['first reply', 'remember me']);
    // supports was inherited: the interaction is raised, not downgraded to conversation.
    b.send({ action: 'send_message', requestId: 'r2', sessionId: resumed.sessionId, message: 'quote please' });
    const frames = await b.until((f) => f.type === 'stream_chunk');
    expect(shapes(frames)).toEqual(['immediate_response 202', 'interaction_required', 'stream_chunk toolCall']);
  });

  it('a resume with a conversationId it does not know is answered as reference servers do: 200 with a different, fresh conversation, no error', async () => {
    const server = await h.server({ script: [text('first answer')] });
    const client = await h.client(server);
    const reply = await client.request({ action: 'create_conversation_session', requestId: 'c9', agentId: AGENT, conversationId: 'nope' });
    expect(reply).toMatchObject({ type: 'immediate_response', status: 200, requestId: 'c9' });
    const session = reply.data;
    expectValidObject('Session', session);
    expect(typeof session.conversationId).toBe('string');
    expect(session.conversationId).not.toBe('nope');
    // A conversation of its own: empty history, the script from its start, and resumable by its new id.
    expect((await client.request({ action: 'get_conversation_messages', requestId: 'h1', sessionId: session.sessionId })).data.messages).toEqual([]);
    expect(tokensOf(await client.say(session.sessionId, 'hello', 'r1'), 'r1').join('')).toBe('first answer');
    expect((await client.createSession({ conversationId: session.conversationId })).conversationId).toBe(session.conversationId);
  });

  it('list_conversations: most recent first, title from the first user message (60 chars) or "New conversation"', async () => {
    const server = await h.server({ script: [text('a'), text('b')] });
    const client = await h.client(server);
    const long = 'x'.repeat(70);
    const s1 = await client.createSession({}, 'c1');
    const s2 = await client.createSession({}, 'c2');
    const s3 = await client.createSession({}, 'c3');
    await client.say(s1.sessionId!, long, 'r1');
    await client.say(s2.sessionId!, 'short title', 'r2');
    const reply = await client.request({ action: 'list_conversations', requestId: 'l1' });
    expectValidObject('ConversationList', reply.data);
    expect(reply.data.conversations.map((c: { conversationId: string; title: string; messageCount: number }) => [c.conversationId, c.title, c.messageCount])).toEqual([
      [s2.conversationId, 'short title', 2],
      [s1.conversationId, 'x'.repeat(60), 2],
      [s3.conversationId, 'New conversation', 0],
    ]);
    for (const c of reply.data.conversations) expect(new Date(c.updatedAt).toISOString()).toBe(c.updatedAt);
    const limited = await client.request({ action: 'list_conversations', requestId: 'l2', limit: 1 });
    expect(limited.data.conversations).toHaveLength(1);
  });
});

describe('knowledge', () => {
  const knowledge = [
    { source: 'https://docs.example.com/returns', content: 'Returns are accepted within 30 days of delivery.' },
    { source: 'shipping-policy.md', content: 'Shipping takes 3 to 5 business days; express shipping takes 1 day.' },
    { source: 'http://example.com/warranty', content: 'The warranty covers defects for two years.' },
    { source: 'faq.txt', content: 'Questions about returns and shipping go to support.' },
  ];

  it('cites the top 3 documents by word overlap, with url only for http(s) sources', async () => {
    const server = await h.server({ knowledge, script: [text('Within 30 days.')] });
    const client = await h.client(server);
    const { sessionId } = await client.createSession();
    const frames = await client.say(sessionId!, 'How many days do I have for returns and shipping?', 'r1');
    const citations = frames[frames.length - 1]!.data.data.citations;
    for (const c of citations) expectValidObject('Citation', c);
    expect(citations).toEqual([
      // faq shares {returns, and, shipping}; the returns page {returns, days}; shipping {shipping, days}
      // (ties keep document order); the warranty page shares nothing and is left out.
      { id: 'faq.txt', title: 'faq.txt', snippet: knowledge[3]!.content, score: 3 },
      { id: 'https://docs.example.com/returns', title: 'https://docs.example.com/returns', snippet: knowledge[0]!.content, score: 2, url: 'https://docs.example.com/returns' },
      { id: 'shipping-policy.md', title: 'shipping-policy.md', snippet: knowledge[1]!.content, score: 2 },
    ]);
  });

  it('cites only the overlapping documents when fewer than 3 overlap', async () => {
    const server = await h.server({ knowledge });
    const client = await h.client(server);
    const { sessionId } = await client.createSession();
    const frames = await client.say(sessionId!, 'Is the WARRANTY still valid?', 'r1');
    expect(frames[frames.length - 1]!.data.data.citations).toEqual([
      { id: 'http://example.com/warranty', title: 'http://example.com/warranty', snippet: knowledge[2]!.content, score: 2, url: 'http://example.com/warranty' },
    ]);
  });

  it('returns the first documents with score 0 when nothing overlaps', async () => {
    const server = await h.server({ knowledge });
    const client = await h.client(server);
    const { sessionId } = await client.createSession();
    const frames = await client.say(sessionId!, 'zzz', 'r1');
    const citations = frames[frames.length - 1]!.data.data.citations;
    expect(citations.map((c: { id: string; score: number; url?: string }) => [c.id, c.score, c.url])).toEqual([
      ['https://docs.example.com/returns', 0, 'https://docs.example.com/returns'],
      ['shipping-policy.md', 0, undefined],
      ['http://example.com/warranty', 0, 'http://example.com/warranty'],
    ]);
  });
});
