/**
 * The chat against the mock server over real loopback sockets, through its fault knobs: a drop
 * mid-turn, a drop while parked, a reload through storage, and a server that forgot the
 * conversation.
 */
import { filter, firstValueFrom, timeout } from 'rxjs';
import { createSmoothChat, createSmoothClient, memoryChatStorage, type ChatState, type SmoothChat, type SmoothClient, type SmoothClientOptions } from '../../src/index.js';
import { startMockServer, type MockServer, type MockServerOptions } from '../../src/testing/mock-server/index.js';

const text = (t: string) => ({ kind: 'text' as const, text: t });
const wipe = { kind: 'toolCall' as const, name: 'wipe', arguments: '{}' };
const parking = { tools: [{ name: 'wipe', result: 'wiped' }], confirmTools: ['wipe'] };
const FAST: Partial<SmoothClientOptions> = { retryBaseDelayMs: 10, retryMaxDelayMs: 40, connectTimeoutMs: 500, requestTimeoutMs: 2000 };

const servers: MockServer[] = [];
const clients: SmoothClient[] = [];
const chats: SmoothChat[] = [];
afterEach(async () => {
  for (const chat of chats.splice(0)) chat.close();
  for (const client of clients.splice(0)) client.close();
  for (const server of servers.splice(0)) await server.close();
});

async function server(options: MockServerOptions): Promise<MockServer> {
  const started = await startMockServer(options);
  servers.push(started);
  return started;
}

function chatOn(url: string | (() => string), storage = memoryChatStorage(new Map())): SmoothChat {
  const client = createSmoothClient({ url, ...FAST });
  clients.push(client);
  const chat = createSmoothChat(client, { agentId: 'support', userName: 'alice', storage });
  chats.push(chat);
  return chat;
}

const reached = (chat: SmoothChat, wanted: (state: ChatState) => boolean, ms = 4000): Promise<ChatState> => firstValueFrom(chat.state$.pipe(filter(wanted), timeout(ms)));
const lastAnswer = (state: ChatState) => [...state.messages].reverse().find((m) => m.role === 'assistant');
const answerText = (state: ChatState) => {
  const message = lastAnswer(state);
  return message?.role === 'assistant' ? message.parts.filter((p) => p.type === 'text').map((p) => (p as { text: string }).text).join('') : '';
};

describe('chat against the mock server', () => {
  it('a drop mid-turn: the answer ends interrupted, the chat recovers, and retry() gets the answer', async () => {
    const mock = await server({ script: [text('a long first answer cut short'), text('the answer after the retry')] });
    const chat = chatOn(mock.url);
    mock.faults.dropAtEvent(3);
    chat.send('question');
    const cut = await reached(chat, (s) => lastAnswer(s)?.status === 'interrupted');
    expect(lastAnswer(cut)).toMatchObject({ error: { retryable: true } });
    await reached(chat, (s) => s.status === 'idle' && s.connection === 'open');
    expect(chat.retry(lastAnswer(chat.state) as NonNullable<ReturnType<typeof lastAnswer>>)).toBe(true);
    const done = await reached(chat, (s) => lastAnswer(s)?.status === 'complete');
    expect(answerText(done)).toBe('the answer after the retry');
    expect(done.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  });

  it('a drop while parked on a write confirmation: the ask is interrupted, the chat recovers', async () => {
    const mock = await server({ script: [wipe], ...parking });
    const chat = chatOn(mock.url);
    chat.send('wipe it');
    const parked = await reached(chat, (s) => s.pendingAsk?.type === 'confirm');
    expect(parked.status).toBe('awaiting-human');
    await mock.faults.closeAll(1001);
    const cut = await reached(chat, (s) => lastAnswer(s)?.status === 'interrupted');
    expect(cut.pendingAsk).toBeUndefined();
    expect(lastAnswer(cut)).toMatchObject({ ask: { type: 'confirm', status: 'interrupted' } });
    await reached(chat, (s) => s.status === 'idle' && s.connection === 'open');
  });

  it('a reload through storage: a new client and chat resume the conversation and show its history', async () => {
    const mock = await server({ script: [text('first answer'), text('second answer')] });
    const storage = memoryChatStorage(new Map());
    const before = chatOn(mock.url, storage);
    before.send('hello');
    await reached(before, (s) => lastAnswer(s)?.status === 'complete');
    const conversationId = before.state.conversationId;
    before.close();
    const after = chatOn(mock.url, storage);
    const shown = await reached(after, (s) => !s.loadingHistory && s.messages.length === 2);
    expect(shown.conversationId).toBe(conversationId);
    expect(shown.messages.map((m) => [m.role, m.status])).toEqual([
      ['user', 'history'],
      ['assistant', 'history'],
    ]);
    after.send('again');
    const next = await reached(after, (s) => lastAnswer(s)?.status === 'complete');
    expect(answerText(next)).toBe('second answer');
  });

  it('a restart that forgets the conversation: CONVERSATION_LOST, and newConversation() goes on', async () => {
    const mock = await server({ script: [text('before'), text('in a new conversation')] });
    const chat = chatOn(mock.url);
    chat.send('hello');
    await reached(chat, (s) => lastAnswer(s)?.status === 'complete');
    await mock.faults.restart({ forgetConversations: true });
    // The chat holds its connection: it reconnects, and its resume gets a fresh conversation.
    const lost = await reached(chat, (s) => s.error?.code === 'CONVERSATION_LOST');
    expect(lost.status).toBe('error');
    expect(lost.error?.error).toMatchObject({ replacedBy: expect.any(String) });
    chat.newConversation();
    chat.send('start over');
    const fresh = await reached(chat, (s) => lastAnswer(s)?.status === 'complete');
    expect(fresh.status).toBe('idle');
    expect(fresh.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  });

  it('a server replaced by one that never knew the conversation: the same', async () => {
    const first = await server({ script: [text('before')] });
    let url = first.url;
    const chat = chatOn(() => url);
    chat.send('hello');
    await reached(chat, (s) => lastAnswer(s)?.status === 'complete');
    const second = await server({ script: [text('in a new conversation')] });
    url = second.url;
    await first.close();
    await reached(chat, (s) => s.error?.code === 'CONVERSATION_LOST');
    chat.newConversation();
    chat.send('start over');
    const fresh = await reached(chat, (s) => lastAnswer(s)?.status === 'complete');
    expect(answerText(fresh)).toBe('in a new conversation');
  });

});


describe('the mock server and a forgotten conversation', () => {
  // Like reference servers (ENGINEERING.md), the mock answers a resume of an unknown conversation with a 200 and a fresh conversationId, not CONVERSATION_NOT_FOUND.
  it('a resume of a conversation the mock server does not know is answered with a fresh conversation', async () => {
    const mock = await server({ script: [text('hi')] });
    const client = createSmoothClient({ url: mock.url, ...FAST });
    clients.push(client);
    const chat = createSmoothChat(client, { agentId: 'support', userName: 'alice', conversationId: 'c-unknown', storage: memoryChatStorage(new Map()) });
    chats.push(chat);
    const lost = await reached(chat, (s) => s.error?.code === 'CONVERSATION_LOST');
    expect(lost.error?.error).toMatchObject({ conversationId: 'c-unknown', replacedBy: expect.any(String) });
  });
});
