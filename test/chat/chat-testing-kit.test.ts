/**
 * The testing kit drives the whole chat: SmoothTestingController plays the server (creating the
 * session, streaming, parking on an ask, acking the answer), and the test reads the chat's state
 * as a UI would, imperatively and on marble time. The first region is the README recipe's.
 */
// #region readme:chat-test
import { createSmoothChat, createSmoothClient, type ChatConfirmAsk, type SmoothChat, type SmoothClient } from 'smooth-operator-rx';
import { SmoothTestingController } from 'smooth-operator-rx/testing';

let server: SmoothTestingController;
let client: SmoothClient;
let chat: SmoothChat;
beforeEach(() => {
  server = new SmoothTestingController({ timeline: 'run' });
  client = createSmoothClient({ url: 'ws://test/ws', webSocketImpl: server.WebSocket });
  chat = createSmoothChat(client, { agentId: 'support', userName: 'ada' });
});
afterEach(() => {
  chat.close();
  client.close();
  server.verify();
});

it('a write confirmation answered from the chat: approve, the tool runs, the answer completes', () => {
  chat.send('Cancel order 123');
  server.expectRequest('create_conversation_session').respond();
  const turn = server.expectTurn('Cancel order 123').accept().token('One moment. ').requireConfirmation('cancel_order', { args: { id: '123' } });
  expect(chat.state.status).toBe('awaiting-human');
  const ask = chat.state.pendingAsk as ChatConfirmAsk;
  expect(ask).toMatchObject({ type: 'confirm', toolId: 'cancel_order' });
  chat.answer(ask, true); // what the Approve button does
  server.expectConfirm({ approved: true }).ack();
  turn.toolResult('cancel_order', 'cancelled').respond('Order 123 is cancelled.');
  expect(chat.state.messages[1]).toMatchObject({ role: 'assistant', status: 'complete', ask: { status: 'answered' } });
  expect(chat.state.status).toBe('idle');
});
// #endregion

it('the answer is made of parts: the server\'s final text replaces what streamed before the tool ran (as text() does)', () => {
  chat.send('Cancel order 123');
  server.expectRequest('create_conversation_session').respond();
  const turn = server.expectTurn('Cancel order 123').accept().token('One moment. ').requireConfirmation('cancel_order', { args: { id: '123' } });
  chat.answer(chat.state.pendingAsk as ChatConfirmAsk, true);
  server.expectConfirm({ approved: true }).ack();
  turn.toolResult('cancel_order', 'cancelled').respond('Order 123 is cancelled.');
  const answer = chat.state.messages[1];
  expect(answer?.role === 'assistant' ? answer.parts.map((p) => (p.type === 'text' ? p.text : p.type)) : []).toEqual(['tool', 'Order 123 is cancelled.', 'usage']);
});

import { TestScheduler } from 'rxjs/testing';
import { distinctUntilChanged, map } from 'rxjs';

it('on marble time: the statuses a spinner follows, frame by frame', () => {
  server.run(new TestScheduler((a, b) => expect(a).toEqual(b)), ({ expectObservable, cold }) => {
    // Sent at frame 0, before the marble subscribes: it sees the state from 'submitted' on.
    cold('a').subscribe(() => chat.send('Hello'));
    expectObservable(chat.state$.pipe(map((s) => s.status), distinctUntilChanged())).toBe('s----t--i', { i: 'idle', s: 'submitted', t: 'streaming' });
    server.expectRequest('create_conversation_session').at(1).respond();
    server.expectTurn('Hello').at(5).accept().at(6).token('Hi').at(8).respond('Hi!');
  });
});
