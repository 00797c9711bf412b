/** Mock server: what the client sent, typed by action (`server.receivedActions`). */
import { useMockServers } from './mock-client.js';

const h = useMockServers();

it('receivedActions(action) lists the valid frames of that action, typed, in arrival order; invalid ones stay in received only', async () => {
  const server = await h.server({ script: [{ kind: 'text', text: 'hi' }] });
  const client = await h.client(server);
  const { sessionId } = await client.createSession({ userName: 'Ada' });
  await client.say(sessionId!, 'first', 'r1');
  await client.request({ action: 'send_message', requestId: 'r2', sessionId, message: '' }); // VALIDATION_ERROR
  await client.say(sessionId!, 'second', 'r3');

  const sends = server.receivedActions('send_message');
  // Typed: no cast between the accessor and the fields.
  const messages: string[] = sends.map((send) => send.message);
  expect(messages).toEqual(['first', 'second']);
  expect(sends.map((send) => send.requestId)).toEqual(['r1', 'r3']);
  const [create] = server.receivedActions('create_conversation_session');
  expect(create?.userName).toBe('Ada');
  expect(server.receivedActions('confirm_tool_action')).toEqual([]);
  expect(server.received.filter((r) => r.action === 'send_message')).toHaveLength(3);
});
