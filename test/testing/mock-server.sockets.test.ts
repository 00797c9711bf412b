/**
 * Mock server: sessions outlive sockets, turns and parks do not (ENGINEERING.md, "How real
 * servers behave"): a session created on one socket runs turns on another, while a park or a
 * running turn belongs to the connection it runs on.
 */
import { shapes, tokensOf, useMockServers } from './mock-client.js';

const h = useMockServers();
const text = (t: string) => ({ kind: 'text' as const, text: t });
const call = (name: string) => ({ kind: 'toolCall' as const, name, arguments: '{}' });
const identity = { kind: 'toolCall' as const, name: 'request_identity_intake', arguments: JSON.stringify({ fields: [{ key: 'email', required: true }], reason: 'to reply' }) };

describe('sessions across sockets', () => {
  it('a session created on one socket runs a turn on another', async () => {
    const server = await h.server({ script: [text('from the other socket')] });
    const a = await h.client(server);
    const { sessionId } = await a.createSession();
    const b = await h.client(server);
    const frames = await b.say(sessionId!, 'hi', 'r1');
    expect(shapes(frames)).toEqual(['immediate_response 202', 'stream_token+', 'eventual_response']);
    expect(tokensOf(frames, 'r1').join('')).toBe('from the other socket');
  });

  it('a confirm sent on another socket finds no park (NO_PENDING_CONFIRMATION); the parked turn is untouched', async () => {
    const server = await h.server({ script: [call('wipe'), text('wiped it')], tools: [{ name: 'wipe', result: 'ok' }], confirmTools: ['wipe'] });
    const a = await h.client(server);
    const { sessionId } = await a.createSession();
    a.send({ action: 'send_message', requestId: 'r1', sessionId, message: 'wipe' });
    await a.until((f) => f.type === 'stream_chunk');
    const b = await h.client(server);
    const stray = await b.request({ action: 'confirm_tool_action', requestId: 'c-b', sessionId, approved: true });
    expect(stray).toMatchObject({ type: 'error', requestId: 'c-b', error: { code: 'NO_PENDING_CONFIRMATION' } });
    // Still parked on its own socket: the confirm there resumes it.
    a.send({ action: 'confirm_tool_action', requestId: 'c-a', sessionId, approved: true });
    expect(tokensOf(await a.turn('r1'), 'r1').join('')).toBe('wiped it');
  });

  it('a submit sent on another socket finds no park (NO_PENDING_INTERACTION)', async () => {
    const server = await h.server({ script: [identity, text('thanks')] });
    const a = await h.client(server);
    const { sessionId } = await a.createSession({ supports: ['identity_form'] });
    a.send({ action: 'send_message', requestId: 'r1', sessionId, message: 'quote please' });
    const [ask] = (await a.until((f) => f.type === 'interaction_required')).slice(-1);
    const interactionId = ask!.data.data.interactionId as string;
    const b = await h.client(server);
    const submit = { action: 'submit_interaction', sessionId, interactionId, kind: 'identity_intake', values: { email: 'a@example.com' } };
    expect((await b.request({ ...submit, requestId: 'r1' })).error?.code).toBe('NO_PENDING_INTERACTION');
    a.send({ ...submit, requestId: 'r1' });
    expect(tokensOf(await a.turn('r1'), 'r1').join('')).toBe('thanks');
  });

  it('a cancel sent on another socket is ignored: nothing answers it, the turn runs on', async () => {
    const server = await h.server({ script: [text('not cancelled at all')], tokenDelayMs: 20 });
    const a = await h.client(server);
    const { sessionId } = await a.createSession();
    a.send({ action: 'send_message', requestId: 'r1', sessionId, message: 'hi' });
    await a.until((f) => f.type === 'immediate_response' && f.status === 202);
    const b = await h.client(server);
    b.send({ action: 'cancel', requestId: 'r1', sessionId });
    // The ping's pong is the first frame b sees: the cancel got no answer.
    expect((await b.request({ action: 'ping', requestId: 'p' })).type).toBe('pong');
    expect(b.frames.map((f) => f.type)).toEqual(['pong']);
    expect(shapes(await a.turn('r1'))).toEqual(['stream_token+', 'eventual_response']);
  });
});
