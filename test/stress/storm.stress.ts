/**
 * A server that accepts every socket and closes it at once (an overloaded or misconfigured
 * deployment): `retryAttempts` must bound the reconnects of a request waiting for an answer.
 * The attempt count restarts when a socket opens, so a socket that opens and closes at once
 * must not count as a success, or an idempotent request is re-sent on a new socket for ever.
 */
import { WebSocketServer } from 'ws';
import { createSmoothClient } from '../../src/client/client.js';
import { figure } from './support.js';

it('a server that closes every socket it accepts: a pending ping gives up after retryAttempts reconnects, not never', async () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  let connections = 0;
  wss.on('connection', (socket) => {
    connections++;
    socket.close(4000, 'overloaded');
  });
  const retryAttempts = 3;
  // No request timeout: only the retry budget can end the ping.
  const client = createSmoothClient({ url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}/ws`, retryAttempts, retryBaseDelayMs: 1, retryMaxDelayMs: 5, requestTimeoutMs: 0 });
  const outcome = await new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve('still waiting after 3 s'), 3000);
    client.ping().subscribe({
      next: () => undefined,
      error: (err: { code?: string }) => {
        clearTimeout(timer);
        resolve(`error ${err.code ?? ''}`);
      },
      complete: () => {
        clearTimeout(timer);
        resolve('answered');
      },
    });
  });
  client.close();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  figure('storm', `ping against a server closing every socket: ${outcome} after ${connections} connections (retryAttempts ${retryAttempts})`);
  // The first socket and retryAttempts reconnects; then the ping fails with the close that ended the last one.
  expect({ outcome, withinBudget: connections <= retryAttempts + 1 }).toEqual({ outcome: 'error CONNECTION_CLOSED', withinBudget: true });
});
