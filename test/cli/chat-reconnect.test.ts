/**
 * The chat across lost connections (issue 9, behaviour 8): it says it is reconnecting, carries on
 * in the same conversation, says which answer a drop interrupted, gives up with one line and the
 * hint when the server refuses it, and `/new` starts a new conversation.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { acceptedFrame, eventualFrame, immediateFrame, sessionData } from '../../src/testing/frames.js';
import type { MockServer } from '../../src/testing/mock-server/index.js';
import { chatArgs, mockServer as server, startChat, text, waitFor } from './harness.js';

interface Create {
  readonly conversationId?: string;
  readonly supports?: readonly string[];
}
interface Send {
  readonly sessionId: string;
  readonly message: string;
}

const framesOf = <T>(srv: MockServer, action: string): T[] => srv.received.filter((r) => r.action === action).map((r) => r.frame as T);

/**
 * A server of a few lines, for what the mock server cannot do: answer the first `accepted`
 * connections as a server would (sessions, one-line answers) and refuse every later one with `refuseWith`.
 */
async function refusingServer(refuseWith: { code: number; reason: string }, accepted = 1) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.once('listening', resolve));
  const sockets: WebSocket[] = [];
  let connections = 0;
  wss.on('connection', (socket) => {
    connections++;
    if (connections > accepted) return socket.close(refuseWith.code, refuseWith.reason);
    sockets.push(socket);
    socket.on('message', (data: Buffer) => {
      const action = JSON.parse(data.toString()) as { action: string; requestId: string };
      if (action.action === 'create_conversation_session') {
        socket.send(JSON.stringify(immediateFrame(action.requestId, 200, 'Session created', { ...sessionData() })));
      } else if (action.action === 'send_message') {
        socket.send(JSON.stringify(acceptedFrame(action.requestId)));
        socket.send(JSON.stringify(eventualFrame(action.requestId, 'Pong.')));
      }
    });
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    connections: () => connections,
    /** Closes the first connection as a server going down for a restart does. */
    restart: () => sockets.forEach((socket) => socket.close(1012, 'service restart')),
    close: () => new Promise((resolve) => wss.close(resolve)),
  };
}

describe('chat across a lost connection', () => {
  it('shows reconnecting, then reconnected, and the next message continues the same conversation on a new session', async () => {
    const srv = await server({ script: [text('First answer.'), text('Second answer.')] });
    const chat = startChat(chatArgs({ url: srv.url }));
    chat.type('hello');
    await chat.until('agent › First answer.');
    await chat.until('› ', { from: chat.output.indexOf('First answer.') });

    const before = chat.output.length;
    srv.dropConnections();
    await chat.until(/reconnecting \(attempt 1\)…/, { from: before });
    await chat.until('reconnected', { from: before });
    chat.type('and then?');
    await chat.until('agent › Second answer.', { from: before });
    chat.end();
    expect(await chat.exit).toBe(0);

    const creates = framesOf<Create>(srv, 'create_conversation_session');
    expect(creates).toHaveLength(2);
    expect(creates[0]!.conversationId).toBeUndefined();
    // The resume: the conversation of the first session.
    expect(typeof creates[1]!.conversationId).toBe('string');
    expect(creates[1]!.supports).toEqual(creates[0]!.supports);
    const sends = framesOf<Send>(srv, 'send_message');
    expect(sends.map((s) => s.message)).toEqual(['hello', 'and then?']);
    expect(sends[1]!.sessionId).not.toBe(sends[0]!.sessionId);
    // Once per change: one line per attempt, dimmed like the other notices.
    expect(chat.output.slice(before).match(/reconnecting \(attempt 1\)/g)).toHaveLength(1);
    expect(chat.output.slice(before).match(/\breconnected\b/g)).toHaveLength(1);
    // The notices went above the open prompt, which came back for the next message.
    expect(chat.output.slice(before)).toContain('  reconnected\n› and then?\n');
  });

  it('a server restarted without its conversations: the lost conversation is said, with a hint at /new, which starts over', async () => {
    const { chat, before, restarted } = await chatThroughRestart();
    await chat.until('reconnected', { from: before });
    chat.type('still there?');
    await chat.until(/✗ .*\(CONVERSATION_LOST\) — \/new starts a new conversation\n/, { from: before });
    chat.type('/new');
    await chat.until('new conversation', { from: before });
    chat.type('still there?');
    await chat.until('agent › After the restart.', { from: before });
    chat.end();
    expect(await chat.exit).toBe(0);
    // The resume (answered with a fresh conversation, as reference servers do), then /new's.
    const creates = framesOf<Create>(restarted, 'create_conversation_session');
    expect(creates.map((c) => typeof c.conversationId)).toEqual(['string', 'undefined']);
  }, 15_000);

  it('a lost conversation is said as soon as the chat is back, and a message typed then is not sent into it', async () => {
    const { chat, before, restarted } = await chatThroughRestart();
    // Before anything is typed: the chat finds out when it resumes.
    await chat.until(/✗ .*\(CONVERSATION_LOST\) — \/new starts a new conversation\n/, { from: before });
    const said = chat.output.length;
    chat.type('still there?');
    await chat.until('/new starts a new conversation', { from: said });
    chat.end();
    expect(await chat.exit).toBe(0);
    expect(framesOf<Send>(restarted, 'send_message')).toHaveLength(0);
  }, 15_000);

  it('a turn cut mid-answer says the connection dropped before the answer was complete; the prompt comes back and the chat goes on (exit 0)', async () => {
    const srv = await server({ script: [text('Never finished, this one.'), text('Back again.')], faults: { dropAtEvent: 3, turns: [0] } });
    const chat = startChat(chatArgs({ url: srv.url }));
    chat.type('hello');
    await chat.until('the connection dropped');
    const line = chat.output.split('\n').find((l) => l.includes('the connection dropped'))!;
    expect(line).toBe('  ✗ the connection dropped before the answer was complete (connection closed 1006); send your message again to go on');
    await chat.until('reconnected');
    chat.type('again');
    await chat.until('agent › ', { from: chat.output.indexOf('reconnected') });
    await waitFor(() => framesOf<Send>(srv, 'send_message').length === 2, 3000, () => chat.output);
    chat.end();
    expect(await chat.exit).toBe(0);
    const creates = framesOf<Create>(srv, 'create_conversation_session');
    expect(creates).toHaveLength(2);
    expect(typeof creates[1]!.conversationId).toBe('string');
  });

  it('a turn parked on a write confirmation says which approval was pending when the connection went', async () => {
    const srv = await server({
      script: [{ kind: 'toolCall', name: 'wipe', arguments: '{}' }, text('Wiped.'), text('Hello again.')],
      tools: [{ name: 'wipe', result: 'wiped' }],
      confirmTools: ['wipe'],
    });
    const chat = startChat(chatArgs({ url: srv.url }));
    chat.type('wipe it');
    await chat.until('[y/N] ');
    srv.dropConnections();
    await chat.until('the connection dropped');
    expect(chat.output).toContain('  ✗ the connection dropped while the agent waited for your OK to run wipe (connection closed 1006); send your message again to go on\n');
    await chat.until('reconnected');
    // The abandoned question answers nothing: this line is the next message.
    chat.type('hi');
    await waitFor(() => framesOf<Send>(srv, 'send_message').length === 2, 3000, () => chat.output);
    expect(framesOf<Send>(srv, 'send_message')[1]!.message).toBe('hi');
    expect(srv.received.some((r) => r.action === 'confirm_tool_action')).toBe(false);
    chat.end();
    expect(await chat.exit).toBe(0);
  });

  it('a turn parked on a form says, in plain words, what the agent was waiting for', async () => {
    const srv = await server({ script: [{ kind: 'toolCall', name: 'request_identity_intake', arguments: JSON.stringify({ fields: [{ key: 'email', required: true }] }) }, text('Thanks.')] });
    const chat = startChat(chatArgs({ url: srv.url }));
    chat.type('contact me');
    await chat.until('Email*: ');
    srv.dropConnections();
    await chat.until('the connection dropped');
    expect(chat.output).toContain('  ✗ the connection dropped while the agent waited for your contact details (connection closed 1006); send your message again to go on\n');
    expect(chat.output).not.toContain('identity_intake');
    chat.end();
    expect(await chat.exit).toBe(0);
  });

  it('a refusal after a reconnect (4001) ends the chat with one line, the hint and exit 1', async () => {
    const srv = await refusingServer({ code: 4001, reason: 'token expired' });
    try {
      const chat = startChat(chatArgs({ url: srv.url }));
      chat.type('ping');
      await chat.until('agent › Pong.');
      srv.restart();
      await chat.until(/reconnecting \(attempt 1\)… \(connection closed 1012 service restart\)/);
      expect(await chat.exit).toBe(1);
      expect(chat.output).toMatch(/\nsmooth-rx: .*4001 token expired.*\(CONNECTION_CLOSED\) — check --token\n$/);
      expect(srv.connections()).toBe(2);
    } finally {
      await srv.close();
    }
  });

  it('gives up after its reconnect attempts with one line and exit 1', async () => {
    const srv = await server({ script: [text('Hi.')] });
    const chat = startChat(chatArgs({ url: srv.url }), { reconnect: { retryAttempts: 2, retryBaseDelayMs: 10, retryMaxDelayMs: 20 } });
    chat.type('hello');
    await chat.until('agent › Hi.');
    await srv.close();
    expect(await chat.exit).toBe(1);
    expect(chat.output).toContain('reconnecting (attempt 1)…');
    expect(chat.output).toContain('reconnecting (attempt 2)…');
    expect(chat.output).toMatch(/\nsmooth-rx: gave up reconnecting after 2 attempts: .*\(CONNECTION_ERROR\)\n$/);
  });

  it('the first connection is not retried: a server that closes it at once fails fast', async () => {
    const srv = await refusingServer({ code: 1011, reason: 'not ready' }, 0);
    try {
      const chat = startChat(chatArgs({ url: srv.url }));
      expect(await chat.exit).toBe(1);
      expect(chat.output).toMatch(/smooth-rx: cannot connect to .*1011 not ready.*\(CONNECTION_CLOSED\)\n$/);
      expect(chat.output).not.toContain('reconnecting');
      expect(srv.connections()).toBe(1);
    } finally {
      await srv.close();
    }
  });
});

describe('/new', () => {
  it('starts a new conversation: a create without conversationId, and says so', async () => {
    const srv = await server({ script: [text('One.'), text('Two.')] });
    const chat = startChat(chatArgs({ url: srv.url }));
    chat.type('hello');
    await chat.until('agent › One.');
    chat.type('/new');
    await chat.until('new conversation');
    const fresh = chat.output.length;
    chat.type('hi');
    // The mock plays its script from the start for each conversation.
    await chat.until('agent › One.', { from: fresh });
    chat.end();
    expect(await chat.exit).toBe(0);
    const creates = framesOf<Create>(srv, 'create_conversation_session');
    expect(creates).toHaveLength(2);
    expect(creates[1]!.conversationId).toBeUndefined();
    expect(creates[1]!.supports).toEqual(creates[0]!.supports);
    const sends = framesOf<Send>(srv, 'send_message');
    expect(sends[1]!.sessionId).not.toBe(sends[0]!.sessionId);
  });

  it('after /new, a reconnect resumes the new conversation, not the old one', async () => {
    const srv = await server({ script: [text('One.'), text('Two.'), text('Three.')] });
    const chat = startChat(chatArgs({ url: srv.url }));
    chat.type('hello');
    await chat.until('agent › One.');
    chat.type('/new');
    await chat.until('new conversation');
    const fresh = chat.output.length;
    chat.type('hi');
    // The mock plays its script from the start for each conversation: the resume goes on with the second answer.
    await chat.until('agent › One.', { from: fresh });
    const before = chat.output.length;
    srv.dropConnections();
    await chat.until('reconnected', { from: before });
    chat.type('still there?');
    await chat.until('agent › Two.', { from: before });
    chat.end();
    expect(await chat.exit).toBe(0);
    const conversations = await conversationsOf(srv);
    const creates = framesOf<Create>(srv, 'create_conversation_session');
    expect(creates).toHaveLength(3);
    // Most recent first: the resume continued the conversation /new started.
    expect(creates[2]!.conversationId).toBe(conversations[0]);
    expect(conversations).toHaveLength(2);
  });

  it('is in the /help text', async () => {
    const srv = await server({});
    const chat = startChat(chatArgs({ url: srv.url }));
    chat.type('/help');
    await chat.until('/new');
    chat.end();
    expect(await chat.exit).toBe(0);
  });
});

/** The mock server's conversations, most recent first, asked over a socket of our own. */
async function conversationsOf(srv: MockServer): Promise<string[]> {
  const { default: WebSocketCtor } = await import('ws');
  const socket = new WebSocketCtor(srv.url);
  try {
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const reply = new Promise<{ data: { conversations: { conversationId: string }[] } }>((resolve) =>
      socket.on('message', (data: Buffer) => {
        const event = JSON.parse(data.toString()) as { requestId?: string; data: { conversations: { conversationId: string }[] } };
        if (event.requestId === 'list-1') resolve(event);
      }),
    );
    socket.send(JSON.stringify({ action: 'list_conversations', requestId: 'list-1' }));
    return (await reply).data.conversations.map((c) => c.conversationId);
  } finally {
    socket.close();
  }
}

describe('in a terminal', () => {
  it('a reconnect notice at the prompt keeps what was typed so far', async () => {
    const srv = await server({ script: [text('One.'), text('Two.')] });
    const chat = startChat(chatArgs({ url: srv.url }), { terminal: true });
    chat.type('hi');
    await chat.until('agent › One.');
    await chat.until('› ', { from: chat.output.indexOf('One.') });
    chat.keys('hal');
    const before = chat.output.length;
    srv.dropConnections();
    await chat.until('reconnected', { from: before });
    // The prompt is drawn again below the notice, with the half-typed line on it.
    await chat.until(/reconnected\n› hal/, { from: before });
    chat.keys('f way\r');
    await chat.until('agent › Two.', { from: before });
    expect(framesOf<Send>(srv, 'send_message').map((s) => s.message)).toEqual(['hi', 'half way']);
    chat.end();
    expect(await chat.exit).toBe(0);
  });
});

/**
 * A chat that had one answer, then its server restarted on the same port without its
 * conversations: `before` is where the output stood when the first server went away.
 */
async function chatThroughRestart(): Promise<{ chat: ReturnType<typeof startChat>; before: number; restarted: MockServer }> {
  const first = await server({ script: [text('Before the restart.')] });
  const chat = startChat(chatArgs({ url: first.url }));
  chat.type('hello');
  await chat.until('agent › Before the restart.');
  const before = chat.output.length;
  await first.close();
  const restarted = await server({ port: first.port, script: [text('After the restart.')] });
  return { chat, before, restarted };
}
