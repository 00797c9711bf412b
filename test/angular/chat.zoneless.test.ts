/**
 * `injectSmoothChat()` in a component, zoneless, driven by `provideSmoothOperatorTesting()`.
 *
 * How to test a chat component this way: configure TestBed with `provideSmoothOperatorTesting()`,
 * create the component, then play the server with `TestBed.inject(SmoothTestingController)`.
 * The chat creates its session with the first message (`expectRequest('create_conversation_session')`),
 * each message is a turn (`expectTurn(text)`), and what the agent does is scripted on it
 * (`.accept().token(…).requireConfirmation(…)`). `await fixture.whenStable()` renders. Each test here
 * gives the chat its own `storage` (`memoryChatStorage(new Map())`), so that what one test keeps is
 * never resumed by another, whatever the environment has (a DOM test environment has a
 * `localStorage` that outlives a test).
 */
import './support/testbed.js';
import { PLATFORM_ID, provideZonelessChangeDetection, type Provider } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { memoryChatStorage, type ChatAssistantMessage } from 'smooth-operator-rx';
import { SmoothTestingController, provideSmoothOperatorTesting, type InjectSmoothChatOptions } from 'smooth-operator-rx/angular';
import { messagesPageData, sessionData } from '../../src/testing/frames.js';
import { CHAT_TEST_OPTIONS, SmoothChatComponent } from './support/smooth-chat.component.js';
import type { MemoryNode } from './support/testbed.js';

function setUp(options: Partial<InjectSmoothChatOptions> = {}, extra: Provider[] = []) {
  TestBed.configureTestingModule({
    providers: [
      provideZonelessChangeDetection(),
      provideSmoothOperatorTesting(),
      { provide: CHAT_TEST_OPTIONS, useValue: { storage: memoryChatStorage(new Map()), ...options } },
      ...extra,
    ],
  });
  const fixture = TestBed.createComponent(SmoothChatComponent);
  const server = TestBed.inject(SmoothTestingController);
  const root = fixture.nativeElement as MemoryNode;
  const text = (name: string): string[] => root.findAll((n) => n.attributes.get('class') === name).map((n) => n.textContent);
  return { fixture, server, root, text, chat: fixture.componentInstance.chat };
}

describe('injectSmoothChat (zoneless)', () => {
  it('renders the conversation as it streams: the user message at once, the answer token by token, the status in between', async () => {
    const { fixture, server, text, chat } = setUp();
    await fixture.whenStable();
    expect(text('status')).toEqual(['idle']);

    chat.send('Where is my order?');
    await fixture.whenStable();
    expect(text('user')).toEqual(['Where is my order?']);
    expect(text('status')).toEqual(['submitted']);

    server.expectRequest('create_conversation_session', { agentId: 'support', userName: 'Alice' }).respond();
    const turn = server.expectTurn('Where is my order?');
    turn.accept().token('On its');
    await fixture.whenStable();
    expect(text('assistant')).toEqual(['On its']);
    expect(text('status')).toEqual(['streaming']);
    expect(chat.connection()).toBe('open');
    expect(chat.conversationId()).toBe('conversation-1');
    expect(chat.agentName()).toBe('smooth-agent');

    turn.token(' way').respond('On its way.');
    await fixture.whenStable();
    expect(text('assistant')).toEqual(['On its way.']);
    expect(text('status')).toEqual(['idle']);
    server.verify();
  });

  it('answers an ask from the template: Approve sends the confirmation, the turn resumes, the ask is answered', async () => {
    const { fixture, server, root, text, chat } = setUp();
    chat.send('Cancel order 42');
    server.expectRequest('create_conversation_session').respond();
    const turn = server.expectTurn('Cancel order 42');
    turn.accept().requireConfirmation('cancel_order', { actionDescription: 'Cancel order 42' });
    await fixture.whenStable();
    expect(text('ask')).toEqual(['Cancel order 42']);
    expect(chat.status()).toBe('awaiting-human');
    expect(chat.pendingAsk()).toMatchObject({ type: 'confirm', toolId: 'cancel_order', status: 'pending' });

    root.find('button', 'Approve').dispatch('click');
    server.expectConfirm({ approved: true }).ack();
    turn.toolResult('cancel_order', { ok: true }).token('Cancelled.').respond('Cancelled.');
    await fixture.whenStable();
    expect(text('ask')).toEqual([]);
    expect(text('assistant')).toEqual(['Cancelled.']);
    expect(chat.pendingAsk()).toBeUndefined();
    const answer = chat.messages()[1] as ChatAssistantMessage;
    expect(answer.ask).toMatchObject({ type: 'confirm', status: 'answered' });
    expect(answer.parts).toContainEqual(expect.objectContaining({ type: 'tool', name: 'cancel_order', status: 'succeeded' }));
    server.verify();
  });

  it('Deny declines the ask: the confirmation goes out with approved false', async () => {
    const { fixture, server, root, chat } = setUp();
    chat.send('Cancel order 42');
    server.expectRequest('create_conversation_session').respond();
    const turn = server.expectTurn('Cancel order 42');
    turn.accept().requireConfirmation('cancel_order');
    await fixture.whenStable();

    root.find('button', 'Deny').dispatch('click');
    server.expectConfirm({ approved: false }).ack();
    turn.toolResult('cancel_order', 'Denied by human', true).respond('Left as it is.');
    await fixture.whenStable();
    expect((chat.messages()[1] as ChatAssistantMessage).ask).toMatchObject({ status: 'declined' });
    server.verify();
  });

  it('a form the server rejects is pending again, with its field errors, and answerable again', async () => {
    const { fixture, server, chat } = setUp();
    chat.send('Email me a confirmation');
    server.expectRequest('create_conversation_session').respond();
    const turn = server.expectTurn('Email me a confirmation');
    turn.accept();
    turn.requireInteraction('identity_intake', { fields: [{ key: 'email', required: true }] }, 'Where to?');
    await fixture.whenStable();
    const ask = chat.pendingAsk();
    if (ask?.type !== 'identity_intake') throw new Error(`expected an identity form, got ${String(ask?.type)}`);

    chat.answer(ask, { email: 'nope' });
    server.expectSubmit({ values: { email: 'nope' } }).invalid([{ field: 'email', message: 'must be a valid email address' }]);
    await fixture.whenStable();
    expect(chat.status()).toBe('awaiting-human');
    expect(chat.pendingAsk()).toMatchObject({ type: 'identity_intake', status: 'pending', errors: [{ field: 'email' }] });
  });

  it('after a rejected form its message is awaiting-human again, like the chat', async () => {
    const { fixture, server, chat } = setUp();
    chat.send('Email me a confirmation');
    server.expectRequest('create_conversation_session').respond();
    const turn = server.expectTurn('Email me a confirmation');
    turn.accept();
    turn.requireInteraction('identity_intake', { fields: [{ key: 'email', required: true }] });
    await fixture.whenStable();
    const ask = chat.pendingAsk();
    if (ask?.type !== 'identity_intake') throw new Error('expected an identity form');
    chat.answer(ask, { email: 'nope' });
    server.expectSubmit({ values: { email: 'nope' } }).invalid([{ field: 'email', message: 'must be a valid email address' }]);
    await fixture.whenStable();
    expect(chat.status()).toBe('awaiting-human');
    expect((chat.messages()[1] as ChatAssistantMessage).status).toBe('awaiting-human');
  });

  // The code is asked for at the end of a turn: a wrong one reaches the ask through the answer's
  // outcome, as no event of the ended turn carries it.
  it('after a wrong one-time code the ask says how many attempts are left', async () => {
    const { fixture, server, chat } = setUp();
    chat.send('Pay invoice 7');
    server.expectRequest('create_conversation_session').respond();
    server.expectTurn('Pay invoice 7').accept().requireOtp('pay_invoice').respond('I need to verify you first.');
    await fixture.whenStable();
    const ask = chat.pendingAsk();
    if (ask?.type !== 'otp') throw new Error('expected a one-time code');
    const outcomes: unknown[] = [];
    chat.answer(ask, '000000').subscribe((outcome) => outcomes.push(outcome));
    server.expectVerifyOtp({ code: '000000' }).invalid(2);
    await fixture.whenStable();
    expect(outcomes).toEqual([expect.objectContaining({ status: 'invalid', attemptsRemaining: 2 })]);
    expect(chat.pendingAsk()).toMatchObject({ type: 'otp', status: 'pending', invalid: { attemptsRemaining: 2 } });
  });

  it('resumes the stored conversation: its history is shown before anything is sent', async () => {
    const storage = memoryChatStorage(new Map([['smooth-operator-rx:chat:support:Alice', 'conversation-7']]));
    const { fixture, server, text, chat } = setUp({ storage });
    server.expectRequest('create_conversation_session', { conversationId: 'conversation-7' }).respond(sessionData({ conversationId: 'conversation-7' }));
    server.expectRequest('get_conversation_messages').respond(
      messagesPageData({
        messages: [
          { id: 'm2', direction: 'outbound', content: { text: 'On its way.' }, createdAt: '2026-12-01T10:00:01Z' },
          { id: 'm1', direction: 'inbound', content: { text: 'Where is my order?' }, createdAt: '2026-12-01T10:00:00Z' },
        ],
      }),
    );
    await fixture.whenStable();
    expect(text('user')).toEqual(['Where is my order?']);
    expect(text('assistant')).toEqual(['On its way.']);
    expect(chat.conversationId()).toBe('conversation-7');
    expect(chat.hasOlder()).toBe(false);
    server.verify();
  });

  it('a server that forgot the stored conversation: the error signal says CONVERSATION_LOST, and newConversation() starts afresh', async () => {
    const storage = memoryChatStorage(new Map([['smooth-operator-rx:chat:support:Alice', 'conversation-7']]));
    const { fixture, server, text, chat } = setUp({ storage });
    // A server that does not know the id answers with a fresh one (see PROTOCOL.md).
    server.expectRequest('create_conversation_session', { conversationId: 'conversation-7' }).respond(sessionData({ conversationId: 'conversation-9' }));
    server.match('get_conversation_messages');
    await fixture.whenStable();
    expect(text('error')).toEqual(['CONVERSATION_LOST']);
    expect(chat.status()).toBe('error');
    expect(storage.get('smooth-operator-rx:chat:support:Alice')).toBeUndefined();

    chat.newConversation();
    await fixture.whenStable();
    expect(text('error')).toEqual(['']);
    expect(chat.messages()).toEqual([]);
    chat.send('Hello again');
    const created = server.expectRequest('create_conversation_session');
    expect((created.action as { conversationId?: string }).conversationId).toBeUndefined();
    created.respond(sessionData({ conversationId: 'conversation-10' }));
    server.expectTurn('Hello again').accept().respond('Hi!');
    await fixture.whenStable();
    expect(text('assistant')).toEqual(['Hi!']);
    expect(chat.status()).toBe('idle');
  });

  it('destroying the component closes the chat: the running turn is cancelled, once', async () => {
    const { fixture, server, chat } = setUp();
    chat.send('Tell me a long story');
    server.expectRequest('create_conversation_session').respond();
    const turn = server.expectTurn('Tell me a long story');
    turn.accept().token('Once upon');
    await fixture.whenStable();

    fixture.destroy();
    server.expectCancel().confirm();
    expect(server.match('cancel')).toEqual([]);
    expect(turn.ending).toBe('stopped');
    expect(chat.status()).toBe('closed');
    server.verify();
  });

  it('by default, where requestAnimationFrame exists, renders at most one snapshot per frame', async () => {
    const frames: Array<() => void> = [];
    const global = globalThis as { requestAnimationFrame?: unknown; cancelAnimationFrame?: unknown };
    global.requestAnimationFrame = (callback: (time: number) => void) => frames.push(() => callback(0));
    global.cancelAnimationFrame = () => undefined;
    try {
      const { fixture, server, chat } = setUp();
      chat.send('Where is my order?');
      server.expectRequest('create_conversation_session').respond();
      const turn = server.expectTurn('Where is my order?');
      turn.accept();
      frames.splice(0).forEach((frame) => frame());
      turn.token('On', ' its', ' way');
      expect(chat.status()).toBe('streaming'); // three tokens, no frame yet: nothing new rendered
      expect((chat.messages()[1] as ChatAssistantMessage).parts).toEqual([]);
      expect(frames.length).toBe(1);
      frames.splice(0).forEach((frame) => frame());
      await fixture.whenStable();
      expect((chat.messages()[1] as ChatAssistantMessage).parts).toEqual([{ type: 'text', text: 'On its way' }]);
      fixture.destroy();
    } finally {
      delete global.requestAnimationFrame;
      delete global.cancelAnimationFrame;
    }
  });

  it('keeps the conversation in localStorage where there is one, so that a reload resumes it', async () => {
    const items = new Map<string, string>();
    const global = globalThis as { localStorage?: unknown };
    global.localStorage = { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), removeItem: (k: string) => void items.delete(k) };
    try {
      TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection(), provideSmoothOperatorTesting()] });
      const fixture = TestBed.createComponent(SmoothChatComponent);
      const server = TestBed.inject(SmoothTestingController);
      fixture.componentInstance.chat.send('Hello');
      server.expectRequest('create_conversation_session').respond(sessionData({ conversationId: 'conversation-3' }));
      expect(items.get('smooth-operator-rx:chat:support:Alice')).toBe('conversation-3');
      fixture.destroy();
    } finally {
      delete global.localStorage;
    }
  });

  it('on the server platform it is inert: nothing connects, nothing is kept, the status stays idle', async () => {
    const storage = memoryChatStorage(new Map([['smooth-operator-rx:chat:support:Alice', 'conversation-7']]));
    const { fixture, server, text, chat } = setUp({ storage }, [{ provide: PLATFORM_ID, useValue: 'server' }]);
    await fixture.whenStable();
    expect(text('status')).toEqual(['idle']);
    expect(chat.messages()).toEqual([]);
    expect(chat.loadingHistory()).toBe(false); // the stored conversation is not even looked up
    chat.send('Where is my order?');
    await fixture.whenStable();
    expect(server.connections).toHaveLength(0);
    expect(server.sent).toEqual([]);
    server.verify();
  });
  // On the server platform a send is inert too, as documented: still `idle`, still no messages (no user message left "submitted" forever in the rendered HTML).
  it('on the server platform a send leaves the status idle and no messages', async () => {
    const { fixture, chat } = setUp({}, [{ provide: PLATFORM_ID, useValue: 'server' }]);
    await fixture.whenStable();
    chat.send('Where is my order?');
    await fixture.whenStable();
    expect(chat.status()).toBe('idle');
    expect(chat.messages()).toEqual([]);
  });
});
