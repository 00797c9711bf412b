import type { ChatAssistantMessage, ChatConfirmAsk } from '../../src/chat/types.js';
import { createSmoothChat, localStorageChatStorage, memoryChatStorage } from '../../src/chat/index.js';
import { acceptedFrame, errorFrame, eventualFrame, otpRequiredFrame, tokenFrame, writeConfirmationFrame } from '../../src/testing/frames.js';
import type { ChatOtpAsk } from '../../src/chat/types.js';
import { asyncScheduler } from 'rxjs';
import { SmoothError } from '../../src/errors.js';
import { testScheduler } from '../client/harness.js';
import { chatHarness, chatServer, echo, lastAssistant, textOf, type StoredMessage } from './support.js';

/** The first message hangs after a token (to be cut), the next ones are echoed. */
function hangingFirst() {
  let sends = 0;
  return chatServer({ turn: (id, message, action) => (++sends === 1 ? [[1, acceptedFrame(id)], [2, tokenFrame(id, 'half')]] : echo(id, message, action)) });
}

describe('chat: faults', () => {
  it('a drop mid-turn: the answer ends interrupted, the chat says reconnecting, then recovers; retry() re-sends only when asked', () => {
    testScheduler().run(({ flush }) => {
      const h = chatHarness(hangingFirst());
      const user = h.chat.send('question');
      flush();
      expect(h.chat.state.status).toBe('streaming');
      h.sockets.current.fail();
      expect(h.chat.state.status).toBe('reconnecting');
      const cut = lastAssistant(h.chat.state) as ChatAssistantMessage;
      expect(cut).toMatchObject({ status: 'interrupted', error: { code: 'CONNECTION_ERROR', retryable: true } });
      expect(textOf(cut)).toBe('half');
      flush();
      // Back: not an error of the chat, and nothing was re-sent by itself.
      expect(h.chat.state.status).toBe('idle');
      expect(h.chat.state.error).toBeUndefined();
      expect(h.sockets.sent.filter((a) => a.action === 'send_message')).toHaveLength(1);
      expect(h.chat.retry(cut)).toBe(true);
      flush();
      const messages = h.chat.state.messages;
      expect(messages.map((m) => m.role)).toEqual(['user', 'assistant']);
      expect(messages[0]).toMatchObject({ id: user.id, status: 'sent' });
      expect(textOf(messages[1] as ChatAssistantMessage)).toBe('echo: question');
      // The retry went out on the resumed session.
      expect(h.sockets.sent.filter((a) => a.action === 'send_message').map((a) => (a as { sessionId: string }).sessionId)).toEqual(['s1', 's2']);
      // Nothing left to retry.
      expect(h.chat.retry(messages[1] as ChatAssistantMessage)).toBe(false);
    });
  });

  it('a drop while parked: the ask is interrupted (not pending any more), the answer offers retry', () => {
    const server = chatServer({ turn: (id) => [[1, acceptedFrame(id)], [2, writeConfirmationFrame(id, 'cancel_order')]] });
    testScheduler().run(({ flush }) => {
      const h = chatHarness(server);
      h.chat.send('cancel order 12');
      flush();
      const ask = h.chat.state.pendingAsk as ChatConfirmAsk;
      expect(h.chat.state.status).toBe('awaiting-human');
      h.sockets.current.fail();
      flush();
      expect(h.chat.state.pendingAsk).toBeUndefined();
      expect(lastAssistant(h.chat.state)).toMatchObject({ status: 'interrupted', ask: { id: ask.id, status: 'interrupted' } });
      expect(h.chat.state.status).toBe('idle');
      let refused = '';
      h.chat.answer(ask, true).subscribe((o) => (refused = o.status));
      expect(refused).toBe('refused');
    });
  });

  it('a server that forgot the conversation: the chat says so (CONVERSATION_LOST) and newConversation() starts over', () => {
    testScheduler().run(({ flush }) => {
      const h = chatHarness(chatServer({ forget: true }), { conversationId: 'c-gone' });
      flush();
      expect(h.chat.state.status).toBe('error');
      expect(h.chat.state.error).toMatchObject({ code: 'CONVERSATION_LOST', retryable: false });
      // A message now fails the same way, with no spinner left.
      h.chat.send('hello?');
      flush();
      expect(h.chat.state.messages[0]).toMatchObject({ status: 'failed', error: { code: 'CONVERSATION_LOST' } });
      expect(h.chat.state.status).toBe('error');
      h.chat.newConversation();
      expect(h.chat.state).toMatchObject({ status: 'idle', messages: [], error: undefined, conversationId: undefined });
      h.chat.send('hello');
      flush();
      expect(h.chat.state.status).toBe('idle');
      // A conversation of its own (the one the failed resume was handed, c1, is not used).
      expect(h.chat.state.conversationId).toBe('c2');
      expect(textOf(lastAssistant(h.chat.state))).toBe('echo: hello');
    });
  });

  it('back after a loss, the chat resumes at once: a forgotten conversation is said before the next message', () => {
    testScheduler().run(({ flush }) => {
      const server = chatServer({ forget: true });
      const h = chatHarness(server);
      h.chat.send('hello');
      flush();
      expect(h.chat.state.status).toBe('idle');
      server.restart();
      h.sockets.current.fail();
      flush();
      const creates = h.sockets.sent.filter((a) => a.action === 'create_conversation_session');
      expect(creates.map((a) => (a as { conversationId?: string }).conversationId)).toEqual([undefined, 'c1']);
      expect(h.chat.state.error).toMatchObject({ code: 'CONVERSATION_LOST' });
      expect(h.chat.state.status).toBe('error');
    });
  });

  it('a fatal close ends in error with no spinner running; the fault carries the error itself', () => {
    const server = chatServer({ turn: (id) => [[1, acceptedFrame(id)], [2, tokenFrame(id, 'x')]] });
    testScheduler().run(({ flush }) => {
      const h = chatHarness(server);
      h.chat.send('q');
      flush();
      h.sockets.current.serverClose(4001, 'unauthorized');
      flush();
      expect(h.chat.state.status).toBe('error');
      expect(h.chat.state.error).toMatchObject({ code: 'CONNECTION_REFUSED', retryable: false });
      expect(h.chat.state.error?.error).toBeInstanceOf(SmoothError);
      expect(lastAssistant(h.chat.state)?.status).toBe('failed');
    });
  });

  it('retries exhausted end in error, retryable', () => {
    testScheduler().run(({ flush }) => {
      // Sockets open only when the test says: the reconnects after the drop never do.
      const h = chatHarness(chatServer(), {}, { retryAttempts: 2 }, { autoOpen: false });
      h.chat.send('q');
      h.sockets.current.open();
      flush();
      h.sockets.current.fail();
      flush();
      expect(h.sockets.all).toHaveLength(3);
      expect(h.chat.state.status).toBe('error');
      expect(h.chat.state.error).toMatchObject({ code: 'RETRIES_EXHAUSTED', retryable: true });
    });
  });
});

describe('chat: history and reloads', () => {
  const history: StoredMessage[] = Array.from({ length: 45 }, (_, i) => ({ id: `m${i}`, direction: i % 2 === 0 ? 'inbound' : 'outbound', text: `message ${i}` }));

  it('a new chat with the same storage resumes the conversation and shows its latest page only', () => {
    const storage = memoryChatStorage(new Map());
    testScheduler().run(({ flush }) => {
      const first = chatHarness(chatServer({ history }), { storage });
      first.chat.send('hello');
      flush();
      expect(first.chat.state.conversationId).toBe('c1');
      first.chat.close();
      // "Reload": a new client, a new chat, the same storage.
      const second = chatHarness(chatServer({ history }), { storage, pageSize: 20 });
      expect(second.chat.state.loadingHistory).toBe(true);
      flush();
      const { messages, hasOlder, conversationId } = second.chat.state;
      expect(conversationId).toBe('c1');
      expect(second.sockets.sent.find((a) => a.action === 'create_conversation_session')).toMatchObject({ conversationId: 'c1' });
      expect(messages).toHaveLength(20);
      // Oldest first: the last 20 of 45.
      expect(messages[0]).toMatchObject({ id: 'm25', role: 'assistant', status: 'history' });
      expect(messages[19]).toMatchObject({ id: 'm44', role: 'user', text: 'message 44' });
      expect(hasOlder).toBe(true);
      expect(second.sockets.sent.filter((a) => a.action === 'get_conversation_messages')).toHaveLength(1);
    });
  });

  it('loadOlder() puts the page before the first message, keeping the identity of those already shown', () => {
    testScheduler().run(({ flush }) => {
      const h = chatHarness(chatServer({ history }), { conversationId: 'c1', pageSize: 20 });
      flush();
      const shown = h.chat.state.messages;
      h.chat.loadOlder();
      h.chat.loadOlder(); // ignored: one page at a time
      flush();
      expect(h.chat.state.messages).toHaveLength(40);
      expect(h.chat.state.messages[20]).toBe(shown[0]);
      h.chat.loadOlder();
      flush();
      expect(h.chat.state.messages).toHaveLength(45);
      expect(h.chat.state.messages[0]).toMatchObject({ id: 'm0' });
      expect(h.chat.state.hasOlder).toBe(false);
      expect(h.sockets.sent.filter((a) => a.action === 'get_conversation_messages').map((a) => (a as { cursor?: string }).cursor)).toEqual([undefined, '20', '40']);
    });
  });

  it('live turns come after the history', () => {
    testScheduler().run(({ flush }) => {
      const h = chatHarness(chatServer({ history: history.slice(0, 2) }), { conversationId: 'c1' });
      h.chat.send('new');
      flush();
      expect(h.chat.state.messages.map((m) => m.id.startsWith('m'))).toEqual([true, true, false, false]);
    });
  });

  it('an unusable storage only costs the resume', () => {
    const broken = { get: () => { throw new Error('denied'); }, set: () => { throw new Error('quota'); }, remove: () => undefined };
    testScheduler().run(({ flush }) => {
      const h = chatHarness(chatServer(), { storage: broken });
      h.chat.send('hi');
      flush();
      expect(h.chat.state.status).toBe('idle');
      expect(h.chat.state.conversationId).toBe('c1');
    });
  });

  it('the conversationId option wins over storage', () => {
    const storage = memoryChatStorage(new Map([['k', 'c-stored']]));
    testScheduler().run(({ flush }) => {
      const h = chatHarness(chatServer(), { storage, storageKey: 'k', conversationId: 'c-given' });
      flush();
      expect(h.sockets.sent.find((a) => a.action === 'create_conversation_session')).toMatchObject({ conversationId: 'c-given' });
      void createSmoothChat;
    });
  });
});


describe('chat: retry, history and status', () => {
  // retry() re-sends the same request (model, skill, images, files), not only its text.
  it('retry() re-sends the whole request: model and skill are kept', () => {
    testScheduler().run(({ flush }) => {
      const h = chatHarness(hangingFirst());
      h.chat.send({ message: 'q', skill: 'billing', model: 'm1' });
      flush();
      h.sockets.current.fail();
      flush();
      expect(h.chat.retry(lastAssistant(h.chat.state) as ChatAssistantMessage)).toBe(true);
      flush();
      const sends = h.sockets.sent.filter((a) => a.action === 'send_message');
      expect(sends).toHaveLength(2);
      expect(sends[1]).toMatchObject({ message: 'q', skill: 'billing', model: 'm1' });
    });
  });

  // a retried message never ends up after one of its own answers: the exchange stays user → answers, in order.
  it('retry() of a failed re-send after a code keeps the user message before its answers', () => {
    let sends = 0;
    const server = chatServer({
      turn: (id, message, action) => {
        sends++;
        if (sends === 1) return [[1, acceptedFrame(id)], [2, otpRequiredFrame(id, { toolId: 'transfer' })], [3, eventualFrame(id, 'verify first')]];
        if (sends === 2) return [[1, acceptedFrame(id)], [2, errorFrame(id, 'LLM_UNAVAILABLE')]];
        return echo(id, message, action);
      },
    });
    testScheduler().run(({ flush }) => {
      const h = chatHarness(server);
      const user = h.chat.send('transfer 10');
      flush();
      h.chat.answer(h.chat.state.pendingAsk as ChatOtpAsk, '123456');
      flush();
      expect(lastAssistant(h.chat.state)?.status).toBe('failed');
      expect(h.chat.retry(lastAssistant(h.chat.state) as ChatAssistantMessage)).toBe(true);
      flush();
      const order = h.chat.state.messages.map((m) => m.role);
      expect(h.chat.state.messages[0]).toMatchObject({ id: user.id, role: 'user' });
      expect(order).toEqual(['user', 'assistant', 'assistant']);
    });
  });

  // when the first history page fails, the chat can fetch it again (loadOlder(), or another command); history is not lost for good.
  it('a first history page that failed can be fetched again', () => {
    let pages = 0;
    const server = chatServer({
      history: [
        { id: 'm1', direction: 'inbound', text: 'hi' },
        { id: 'm2', direction: 'outbound', text: 'hello' },
      ],
      other: (a) => (a.action === 'get_conversation_messages' && ++pages === 1 ? [[1, errorFrame(a.requestId, 'STORAGE_ERROR')]] : undefined),
    });
    testScheduler().run(({ flush }) => {
      const h = chatHarness(server, { conversationId: 'c1' });
      flush();
      expect(h.chat.state.error).toMatchObject({ code: 'STORAGE_ERROR', retryable: true });
      h.chat.loadOlder();
      flush();
      expect(h.chat.state.messages.map((m) => m.id)).toEqual(['m1', 'm2']);
    });
  });

  // a socket closed as idle (nothing held it) is not a lost connection: the next message is 'submitted', not 'reconnecting'.
  it('after an idle close, the next message says submitted, not reconnecting', () => {
    testScheduler().run(({ flush }) => {
      const h = chatHarness(chatServer(), {}, { lazyCloseTimeoutMs: 100 });
      h.chat.send('one');
      flush();
      h.chat.newConversation();
      flush();
      expect(h.chat.state.connection).toBe('closed');
      h.chat.send('two');
      expect(h.chat.state.status).toBe('submitted');
    });
  });

  // (ChatStorage TSDoc: "an implementation that throws (quota, privacy mode) only costs the resume"): where reading `localStorage` itself throws (cookies blocked: SecurityError), localStorageChatStorage() still works, keeping nothing.
  it('localStorageChatStorage() where touching localStorage throws (blocked storage) keeps nothing instead of throwing', () => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'localStorage');
    Object.defineProperty(globalThis, 'localStorage', {
      configurable: true,
      get: () => {
        throw new Error('SecurityError: Access is denied for this document.');
      },
    });
    try {
      expect(() => localStorageChatStorage()).not.toThrow();
    } finally {
      if (descriptor !== undefined) Object.defineProperty(globalThis, 'localStorage', descriptor);
      else delete (globalThis as { localStorage?: unknown }).localStorage;
    }
  });

  // each message is listed once: the first history page, asked again after a drop, must not repeat a message the chat already shows live.
  it('a first history page re-asked after a drop does not list the live message a second time', () => {
    const stored: StoredMessage[] = [
      { id: 'm1', direction: 'inbound', text: 'old question' },
      { id: 'm2', direction: 'outbound', text: 'old answer' },
    ];
    let pages = 0;
    // The server stores the user message as the turn starts (as real servers do); the first page is slow.
    const base = chatServer({
      history: stored,
      turn: (id, message) => {
        stored.push({ id: `m${stored.length + 1}`, direction: 'inbound', text: message });
        return [[1, acceptedFrame(id)], [2, tokenFrame(id, 'half')]];
      },
    });
    const server = { script: (a: Parameters<typeof base.script>[0]) => (a.action === 'get_conversation_messages' && ++pages === 1 ? base.script(a)?.map(([d, f]) => [d + 20, f] as const) : base.script(a)) };
    testScheduler().run(({ flush }) => {
      const h = chatHarness(server, { conversationId: 'c1' });
      h.chat.send('new question');
      // The socket drops while the first page is on its way: the page is asked again on the resumed session.
      asyncScheduler.schedule(() => h.sockets.current.fail(), 6);
      flush();
      const userTexts = h.chat.state.messages.filter((m) => m.role === 'user').map((m) => (m as { text: string }).text);
      expect(userTexts).toEqual(['old question', 'new question']);
    });
  });
});
