// The README's "Testing an integration" recipe, marble part: each `#region readme:` below is a
// README block, word for word (test/testing/readme-recipe.test.ts keeps them equal), and runs here.
import { askSupport } from './recipe.integration.js';

// #region readme:marble-test
import { TestScheduler } from 'rxjs/testing';
import { createSmoothClient, type SmoothClient } from 'smooth-operator-rx';
import { SmoothTestingController } from 'smooth-operator-rx/testing';

let server: SmoothTestingController;
let client: SmoothClient;
beforeEach(() => {
  // timeline 'run': every handle's frames count from the start of the run, like the marbles.
  server = new SmoothTestingController({ timeline: 'run' });
  client = createSmoothClient({ url: 'ws://test/ws', webSocketImpl: server.WebSocket });
});
afterEach(() => {
  client.close();
  server.verify(); // runs when the test failed too; client.close() before or after, same verdict
});

it('approves the cancellation, fills the form and streams the answer', () => {
  // server.run(): when a marble fails, the error also lists what verify() finds.
  server.run(new TestScheduler((a, b) => expect(a).toEqual(b)), ({ expectObservable }) => {
    expectObservable(askSupport(client, 's1', 'Cancel order 123')).toBe('--------a(b|)', {
      a: 'Order 123 ',
      b: 'Order 123 is cancelled.',
    });
    const turn = server.expectTurn('Cancel order 123');
    turn.at(1).accept().at(2).requireConfirmation('cancel_order', { args: { id: '123' } });
    server.expectConfirm({ approved: true }).at(3).ack(); // the turn stays parked until this ack
    turn.at(4).toolResult('cancel_order', 'cancelled');
    turn.at(5).requireInteraction('identity_intake', { fields: [{ key: 'email', required: true }] }, 'to send the receipt');
    server.expectSubmit({ values: { email: 'ada@example.com' } }).at(6).ack();
    turn.at(7).toolResult('request_identity_intake', { status: 'submitted' });
    turn.at(8).token('Order 123 ').at(9).respond('Order 123 is cancelled.');
  });
});
// #endregion

// #region readme:imperative-test
import { SmoothConnectionLostError } from 'smooth-operator-rx';

it('denies a write it does not know, and says so', () => {
  const answers: string[] = [];
  askSupport(client, 's1', 'Delete my account').subscribe((answer) => answers.push(answer));
  // Outside run(), each call answers now: the client already sent its send_message.
  const turn = server.expectTurn(/account/).accept().requireConfirmation('delete_account');
  const [confirm] = server.match('confirm_tool_action'); // takes every matching action sent so far
  expect(confirm?.approved).toBe(false);
  confirm?.ack();
  server.expectNone('submit_interaction');
  turn.toolResult('delete_account', 'Denied by human: user rejected the action', true).respond('I did not delete it.');
  expect(answers.at(-1)).toBe('I did not delete it.');
  expect(server.sent.map((action) => action.action)).toEqual(['send_message', 'confirm_tool_action']);
  expect(server.unmatched).toEqual([]);
});

it('a dropped connection fails the turn with a typed, retryable error', () => {
  const errors: unknown[] = [];
  askSupport(client, 's1', 'Cancel order 123').subscribe({ error: (error: unknown) => errors.push(error) });
  server.expectTurn('Cancel order 123').accept().token('Order ');
  server.drop(); // no close handshake (1006); serverClose(code, reason) closes cleanly
  expect(errors).toEqual([expect.any(SmoothConnectionLostError)]);
  expect(errors[0]).toMatchObject({ retryable: true });
});
// #endregion
