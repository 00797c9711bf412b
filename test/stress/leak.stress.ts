/**
 * Leak: 100,000 sequential turns on one client (through an in-process fake socket, piped through
 * `text()`), ending every way a turn ends: answered, cancelled by the server, failed, abandoned
 * by its subscriber (cancel, then the server's `cancelled`), parked and resumed. The heap after a
 * full GC must stay flat: what a turn allocates must be freed when it ends.
 */
import { createSmoothClient } from '../../src/client/client.js';
import type { ClientAction } from '../../src/generated/types.js';
import { FakeSockets } from '../../src/testing/fake-socket.js';
import { acceptedFrame, cancelledFrame, errorFrame, eventualFrame, immediateFrame, tokenFrame, writeConfirmationFrame } from '../../src/testing/frames.js';
import { text } from '../../operators/index.js';
import { seeded } from '../support/prng.js';
import { collectGarbage, figure, Tally } from './support.js';

const TURNS = 100_000;
const WARM_UP = 2_000;
/** Generous: a leak of ~170 bytes a turn (one small object kept per turn) exceeds it. */
const BOUND_MB = 16;
const MB = 1024 * 1024;

function heapMb(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed / MB;
}

it(`${TURNS} sequential turns leave the heap flat (after GC, within ${BOUND_MB} MB)`, () => {
  const random = seeded('leak');
  let sent: ClientAction | undefined;
  const sockets = new FakeSockets({ autoOpen: false, onAction: (action) => (sent = action) });
  const client = createSmoothClient({ url: 'ws://leak/ws', token: 'leak-token', webSocketImpl: sockets.WebSocket });
  let diagnostics = 0;
  client.diagnostics$.subscribe(() => diagnostics++);
  const endings = new Tally();
  const samples: string[] = [];
  let unended = 0;
  let start = 0;
  const started = Date.now();

  for (let i = 1; i <= TURNS; i++) {
    if (i === WARM_UP) start = heapMb();
    if (i % 25_000 === 0) samples.push(`${i}: ${heapMb().toFixed(1)} MB`);
    let ended = false;
    let answer = '';
    const subscription = client
      .turn({ sessionId: 'leak-session', message: `turn ${i}` })
      .pipe(text())
      .subscribe({ next: (t) => (answer = t), error: () => (ended = true), complete: () => (ended = true) });
    if (i === 1) sockets.current.open();
    const socket = sockets.current;
    const r = sent?.requestId ?? '';
    const receive = (frame: unknown): void => socket.receive(frame);
    receive(acceptedFrame(r));
    receive(tokenFrame(r, 'Hel'));
    const how = random.int(0, 9);
    if (how === 0) {
      endings.add('abandoned');
      subscription.unsubscribe();
      ended = sent?.action === 'cancel';
      receive(cancelledFrame(r));
    } else if (how === 1) {
      endings.add('cancelled');
      receive(cancelledFrame(r));
    } else if (how === 2) {
      endings.add('error');
      receive(errorFrame(r, 'AGENT_ERROR'));
    } else if (how === 3) {
      endings.add('parked');
      receive(writeConfirmationFrame(r, 'delete_record'));
      receive(immediateFrame(r, 200, 'Confirmed', {}));
      receive(tokenFrame(r, 'lo'));
      receive(eventualFrame(r, 'Hello'));
    } else {
      endings.add('answered');
      receive(tokenFrame(r, 'lo'));
      receive(eventualFrame(r, 'Hello'));
      if (answer !== 'Hello') unended++;
    }
    if (!ended) unended++;
    // The double keeps every frame the client sent: cleared, so only the client's heap is measured.
    socket.sentRaw.length = 0;
  }
  const end = heapMb();
  client.close();
  const seconds = (Date.now() - started) / 1000;
  figure('leak', `${TURNS} turns in ${seconds.toFixed(1)} s (${endings}); heap after GC: ${start.toFixed(1)} MB at turn ${WARM_UP}, ${end.toFixed(1)} MB at the end (${samples.join(', ')})`);
  expect(unended).toBe(0);
  expect(diagnostics).toBe(0);
  expect(end - start).toBeLessThan(BOUND_MB);
});
