// The README's "Testing an integration" recipe, mock-server part: each `#region readme:` below is
// a README block, word for word (test/testing/readme-recipe.test.ts keeps them equal), and runs here.
// #region readme:mock-server-test
import { lastValueFrom } from 'rxjs';
import { createSmoothClient, type SmoothClient, type SmoothClientOptions } from 'smooth-operator-rx';
import { confirmWrites, finalResponse } from 'smooth-operator-rx/operators';
import { startMockServer, type MockServer } from 'smooth-operator-rx/testing/server';

/** Reconnects in tens of milliseconds instead of seconds: the defaults are for real networks. */
const FAST: Partial<SmoothClientOptions> = { retryBaseDelayMs: 10, retryMaxDelayMs: 50, connectTimeoutMs: 1000, heartbeatIntervalMs: 0 };

describe('against the mock server', () => {
  let server: MockServer;
  let client: SmoothClient;
  beforeEach(async () => {
    server = await startMockServer({
      // One model output per model call, for each conversation from its start; a tool turn takes two.
      script: [
        { kind: 'text', text: 'Hello! How can I help?' },
        { kind: 'toolCall', name: 'cancel_order', arguments: '{"id":"123"}' },
        { kind: 'text', text: 'Order 123 is cancelled.', declined: 'I left order 123 as it is.' },
      ],
      tools: [{ name: 'cancel_order', result: (args) => `cancelled ${String(args.id)}` }],
      confirmTools: ['cancel_order'],
    });
    client = createSmoothClient({ url: server.url, ...FAST });
  });
  afterEach(async () => {
    client.close();
    await server.close();
  });

  it('a turn cut mid-stream fails; the next one, on a new socket, goes through', async () => {
    const { sessionId } = await lastValueFrom(client.createSession({ agentId: 'support' }));
    server.faults.dropAtEvent(3); // the socket closes in place of the turn's 3rd event (1: the 202 ack)
    await expect(lastValueFrom(client.turn({ sessionId, message: 'Hi' }))).rejects.toMatchObject({ retryable: true });
    const turn$ = client.turn({ sessionId, message: 'Cancel order 123' }).pipe(confirmWrites(() => false), finalResponse());
    const answer = await lastValueFrom(turn$);
    expect(answer.text).toBe('I left order 123 as it is.');
    // What the client sent, typed by action.
    expect(server.receivedActions('confirm_tool_action').map((confirm) => confirm.approved)).toEqual([false]);
  });
});
// #endregion
