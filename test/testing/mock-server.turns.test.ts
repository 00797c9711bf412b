/** Mock server: canonical turn sequences 1–4 of PROTOCOL.md (basic, tool, write confirmation, cancel). */
import { shapes, tokensOf, toolResults, useMockServers } from './mock-client.js';

const h = useMockServers();
const text = (t: string) => ({ kind: 'text' as const, text: t });
const call = (name: string, args: object) => ({ kind: 'toolCall' as const, name, arguments: JSON.stringify(args) });
const lookupOrder = { name: 'lookup_order', description: 'Looks up an order', parameters: { type: 'object' }, result: 'Order 123: shipped, arrives Tuesday.' };
const deleteRecord = { name: 'delete_record', result: 'Record 42 deleted.' };

describe('1. basic turn', () => {
  it('acks 202, streams about three tokens that join to the text, then eventual_response as recorded', async () => {
    const server = await h.server({ script: [text('Hello from the engine!')] });
    const client = await h.client(server);
    const { sessionId } = await client.createSession();
    const frames = await client.say(sessionId, 'hi there', 'r-msg');

    expect(shapes(frames)).toEqual(['immediate_response 202', 'stream_token+', 'eventual_response']);
    expect(frames[0]).toMatchObject({ type: 'immediate_response', status: 202, message: 'Processing your request...', data: {}, requestId: 'r-msg' });
    const tokens = tokensOf(frames, 'r-msg');
    expect(tokens).toEqual(['Hello fr', 'om the e', 'ngine!']);
    for (const f of frames.filter((x) => x.type === 'stream_token')) expect(f.data).toEqual({ requestId: 'r-msg', token: f.token });
    const eventual = frames[frames.length - 1]!;
    expect(eventual).toEqual({
      type: 'eventual_response',
      requestId: 'r-msg',
      status: 200,
      data: {
        requestId: 'r-msg',
        status: 200,
        data: {
          messageId: expect.any(String),
          response: {
            responseParts: ['Hello from the engine!'],
            customerHappinessScore: 0.5,
            needsSatisfactionScore: 0.5,
            requestSummary: '',
            resolutionStatus: 'in_progress',
            suggestedNextActions: [],
          },
          needsEscalation: false,
          usage: { costUsd: 3.5e-5, promptTokens: 10, completionTokens: 5 },
        },
      },
      timestamp: expect.any(Number),
    });
    expect(eventual.data.data.citations).toBeUndefined();
  });

  it('answers create_conversation_session with fresh ids', async () => {
    const server = await h.server({ agentName: 'test-agent' });
    const client = await h.client(server);
    const reply = await client.request({ action: 'create_conversation_session', requestId: 'c1', agentId: 'any-agent' });
    expect(reply).toMatchObject({ type: 'immediate_response', status: 200, message: 'Session created', requestId: 'c1' });
    expect(Object.keys(reply.data).sort()).toEqual(['agentId', 'agentName', 'agentParticipantId', 'conversationId', 'sessionId', 'userParticipantId']);
    expect(reply.data).toMatchObject({ agentId: 'any-agent', agentName: 'test-agent' });
    const second = await client.request({ action: 'create_conversation_session', requestId: 'c2', agentId: 'any-agent' });
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (const key of ['sessionId', 'conversationId', 'userParticipantId', 'agentParticipantId']) {
      expect(reply.data[key]).toMatch(uuid);
      expect(second.data[key]).not.toBe(reply.data[key]);
    }
  });

  it('consumes the script across the turns of a conversation, on any connection, then answers empty text without tokens', async () => {
    const server = await h.server({ script: [text('one'), text('two')] });
    const a = await h.client(server);
    const b = await h.client(server);
    const sa = (await a.createSession()).sessionId!;
    expect(tokensOf(await a.say(sa, 'first', 'r1'), 'r1').join('')).toBe('one');
    expect(tokensOf(await b.say(sa, 'second', 'r2'), 'r2').join('')).toBe('two');
    const third = await a.say(sa, 'third', 'r3');
    expect(shapes(third)).toEqual(['immediate_response 202', 'eventual_response']);
    expect(third[1]!.data.data.response.responseParts).toEqual(['']);
  });

  it('splits text anywhere but never inside a code point', async () => {
    const answer = 'ab😀cd😀ef';
    const server = await h.server({ script: [text(answer), text('x')] });
    const client = await h.client(server);
    const { sessionId } = await client.createSession();
    const tokens = tokensOf(await client.say(sessionId, 'go', 'r1'), 'r1');
    expect(tokens).toHaveLength(3);
    expect(tokens.join('')).toBe(answer);
    expect(tokens.every((t) => !/[\ud800-\udbff]$/.test(t))).toBe(true);
    expect(tokensOf(await client.say(sessionId, 'go', 'r2'), 'r2')).toEqual(['x']);
  });
});

describe('2. tool turn', () => {
  it('streams toolCall then toolResult chunks, then tokens; usage sums two model calls', async () => {
    const server = await h.server({ script: [call('lookup_order', { id: '123' }), text('Your order 123 has shipped and arrives Tuesday.')], tools: [lookupOrder] });
    const client = await h.client(server);
    const { sessionId } = await client.createSession();
    const frames = await client.say(sessionId, 'where is order 123?', 'r-msg');

    expect(shapes(frames)).toEqual(['immediate_response 202', 'stream_chunk toolCall', 'stream_chunk toolResult', 'stream_token+', 'eventual_response']);
    expect(frames[1]).toMatchObject({
      type: 'stream_chunk',
      requestId: 'r-msg',
      node: 'lookup_order',
      data: { requestId: 'r-msg', node: 'lookup_order', state: { rawResponse: { toolCall: { name: 'lookup_order', arguments: { id: '123' } } } } },
    });
    expect(frames[2]).toMatchObject({
      node: 'lookup_order',
      data: { node: 'lookup_order', state: { rawResponse: { toolResult: { name: 'lookup_order', isError: false, result: 'Order 123: shipped, arrives Tuesday.' } } } },
    });
    expect(frames[frames.length - 1]!.data.data.usage).toEqual({ costUsd: 7e-5, promptTokens: 20, completionTokens: 10 });
  });

  it('runs several tool calls in one turn; a throwing tool gives an error result', async () => {
    const server = await h.server({
      script: [
        call('lookup_order', { id: '1' }),
        call('explode', {}),
        call('echo', { word: 'hi' }),
        text('done'),
      ],
      tools: [
        lookupOrder,
        { name: 'explode', result: () => { throw new Error('boom'); } },
        { name: 'echo', result: (args) => `echo ${String(args.word)}` },
      ],
    });
    const client = await h.client(server);
    const { sessionId } = await client.createSession();
    const frames = await client.say(sessionId, 'go', 'r1');
    expect(toolResults(frames)).toEqual([
      { name: 'lookup_order', isError: false, result: 'Order 123: shipped, arrives Tuesday.' },
      { name: 'explode', isError: true, result: 'boom' },
      { name: 'echo', isError: false, result: 'echo hi' },
    ]);
    expect(frames[frames.length - 1]!.data.data.usage).toEqual({ costUsd: 0.00014, promptTokens: 40, completionTokens: 20 });
  });
});

describe('3. write confirmation', () => {
  async function parkOnConfirmation() {
    const server = await h.server({ script: [call('delete_record', { id: '42' }), text('Done — record 42 was deleted.')], tools: [deleteRecord], confirmTools: ['delete_record'] });
    const client = await h.client(server);
    const { sessionId } = await client.createSession();
    client.send({ action: 'send_message', requestId: 'r-msg', sessionId, message: 'delete record 42', stream: true });
    const before = await client.until((f) => f.type === 'stream_chunk');
    return { server, client, sessionId: sessionId!, before };
  }

  it('approve: write_confirmation_required, toolCall, park; ack on the confirm requestId, then the turn resumes', async () => {
    const { client, sessionId, before } = await parkOnConfirmation();
    expect(shapes(before)).toEqual(['immediate_response 202', 'write_confirmation_required', 'stream_chunk toolCall']);
    expect(before[1]).toMatchObject({
      requestId: 'r-msg',
      data: { requestId: 'r-msg', data: { toolId: 'delete_record', actionDescription: "Approve calling tool 'delete_record'?" } },
    });
    // Parked: requests are still answered and nothing of the turn flows.
    expect((await client.request({ action: 'ping', requestId: 'p1' })).type).toBe('pong');

    client.send({ action: 'confirm_tool_action', requestId: 'r-confirm', sessionId, approved: true });
    const after = await client.turn('r-msg');
    expect(after[0]).toMatchObject({ type: 'immediate_response', status: 200, message: 'Tool action approved', data: { sessionId, approved: true }, requestId: 'r-confirm' });
    expect(shapes(after.slice(1))).toEqual(['stream_chunk toolResult', 'stream_token+', 'eventual_response']);
    expect(toolResults(after)).toEqual([{ name: 'delete_record', isError: false, result: 'Record 42 deleted.' }]);
    expect(after.slice(1).every((f) => f.requestId === 'r-msg')).toBe(true);
    expect(tokensOf(after, 'r-msg').join('')).toBe('Done — record 42 was deleted.');
    expect(after[after.length - 1]!.data.data.usage).toEqual({ costUsd: 7e-5, promptTokens: 20, completionTokens: 10 });
  });

  it('deny: "Tool action denied", then an error tool result and the model continues', async () => {
    const { client, sessionId } = await parkOnConfirmation();
    client.send({ action: 'confirm_tool_action', requestId: 'r-msg', sessionId, approved: false });
    const after = await client.turn('r-msg');
    expect(after[0]).toMatchObject({ type: 'immediate_response', status: 200, message: 'Tool action denied', data: { sessionId, approved: false } });
    expect(shapes(after.slice(1))).toEqual(['stream_chunk toolResult', 'stream_token+', 'eventual_response']);
    expect(toolResults(after)).toEqual([{ name: 'delete_record', isError: true, result: 'Denied by human: user rejected the action' }]);
  });

  it('a confirm with no park answers NO_PENDING_CONFIRMATION, also after the park resolved', async () => {
    const { client, sessionId } = await parkOnConfirmation();
    client.send({ action: 'confirm_tool_action', requestId: 'c1', sessionId, approved: true });
    await client.turn('r-msg');
    const stray = await client.request({ action: 'confirm_tool_action', requestId: 'c2', sessionId, approved: true });
    expect(stray).toMatchObject({ type: 'error', requestId: 'c2', error: { code: 'NO_PENDING_CONFIRMATION' }, data: { requestId: 'c2', error: { code: 'NO_PENDING_CONFIRMATION' } } });
  });

  it('a confirm on an unknown session answers NO_PENDING_CONFIRMATION, as the reference server does (not SESSION_NOT_FOUND)', async () => {
    const server = await h.server();
    const client = await h.client(server);
    const stray = await client.request({ action: 'confirm_tool_action', requestId: 'c1', sessionId: 'no-such-session', approved: true });
    expect(stray).toMatchObject({ type: 'error', requestId: 'c1', error: { code: 'NO_PENDING_CONFIRMATION' } });
  });
});

describe('4. cancel', () => {
  it('cancels a running (streaming) turn: cancelled 499 on the turn requestId, nothing more of it, next turn accepted', async () => {
    const server = await h.server({ script: [text('a fairly long answer that streams slowly'), text('second answer')], tokenDelayMs: 25 });
    const client = await h.client(server);
    const { sessionId } = await client.createSession();
    client.send({ action: 'send_message', requestId: 'r1', sessionId, message: 'talk', stream: true });
    await client.until((f) => f.type === 'stream_token');
    client.send({ action: 'cancel', requestId: 'whatever', sessionId });
    const rest = await client.until((f) => f.type === 'cancelled');
    expect(rest[rest.length - 1]).toEqual({ type: 'cancelled', status: 499, data: { status: 499, requestId: 'r1' }, timestamp: expect.any(Number), requestId: 'r1' });

    // The next turn runs; no frame of r1 arrives after its cancelled (the stream really stopped).
    const next = await client.say(sessionId!, 'again', 'r2');
    expect(next.filter((f) => f.requestId === 'r1')).toEqual([]);
    expect(shapes(next)).toEqual(['immediate_response 202', 'stream_token+', 'eventual_response']);
    expect(tokensOf(next, 'r2').join('')).toBe('second answer');
  });

  it('cancels a parked turn; the connection accepts the next send_message (as recorded)', async () => {
    const server = await h.server({ script: [call('delete_record', { id: '42' }), text('The turn slot was free, so this second turn ran.')], tools: [deleteRecord], confirmTools: ['delete_record'] });
    const client = await h.client(server);
    const { sessionId } = await client.createSession();
    client.send({ action: 'send_message', requestId: 'r-msg-1', sessionId, message: 'delete record 42', stream: true });
    await client.until((f) => f.type === 'stream_chunk');
    client.send({ action: 'cancel', requestId: 'r-msg-1', sessionId });
    expect(await client.next()).toMatchObject({ type: 'cancelled', status: 499, requestId: 'r-msg-1' });
    const next = await client.say(sessionId!, 'never mind, say something', 'r-msg-2');
    expect(shapes(next)).toEqual(['immediate_response 202', 'stream_token+', 'eventual_response']);
    expect(tokensOf(next, 'r-msg-2').join('')).toBe('The turn slot was free, so this second turn ran.');
    // The park died with the cancel.
    const stray = await client.request({ action: 'confirm_tool_action', requestId: 'c1', sessionId, approved: true });
    expect(stray.error.code).toBe('NO_PENDING_CONFIRMATION');
  });

  it('sends nothing at all for a cancel when no turn runs', async () => {
    const server = await h.server();
    const client = await h.client(server);
    const { sessionId } = await client.createSession();
    client.send({ action: 'cancel', requestId: 'r-none', sessionId });
    client.send({ action: 'ping', requestId: 'p1' });
    expect(await client.next()).toMatchObject({ type: 'pong', requestId: 'p1' });
  });

  it('does not store the reply of a cancelled turn', async () => {
    const server = await h.server({ script: [text('never finished')], tokenDelayMs: 25 });
    const client = await h.client(server);
    const { sessionId } = await client.createSession();
    client.send({ action: 'send_message', requestId: 'r1', sessionId, message: 'hello', stream: true });
    await client.until((f) => f.type === 'stream_token');
    client.send({ action: 'cancel', requestId: 'r1' });
    await client.until((f) => f.type === 'cancelled');
    const page = await client.request({ action: 'get_conversation_messages', requestId: 'h1', sessionId });
    expect(page.data.messages.map((m: { direction: string; content: { text: string } }) => [m.direction, m.content.text])).toEqual([['inbound', 'hello']]);
  });
});
