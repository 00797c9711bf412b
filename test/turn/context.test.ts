/**
 * `turnOf(event)`: the turn an event belongs to, found by requestId — never another client's,
 * and let go with its client.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { SmoothError } from '../../src/errors.js';
import { acceptedFrame, eventualFrame, tokenFrame, writeConfirmationFrame } from '../../src/testing/frames.js';
import { turnOf } from '../../src/turn/context.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import { harness, type Script, testScheduler } from '../client/harness.js';

/** "ask…" parks on a write confirmation; anything else ends at t=10. */
const server: Script = (action) => {
  if (action.action !== 'send_message') return undefined;
  if (action.message.startsWith('ask')) return [[1, acceptedFrame(action.requestId)], [2, writeConfirmationFrame(action.requestId, 'refund')]];
  return [[1, acceptedFrame(action.requestId)], [2, tokenFrame(action.requestId, 'x')], [10, eventualFrame(action.requestId, 'x')]];
};

const gc: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

describe('turnOf', () => {
  afterEach(() => jest.restoreAllMocks());

  // The registry is process-wide, but requestIds are unique only per connection (6 random base36
  // chars + a counter from 1 on every client): two clients whose prefixes coincide (certain when
  // Math.random is pinned, as tests of the back-off jitter do) share `rx-xxxx-1`, and a turn found
  // by requestId alone would let `turnOf(e).confirm(true)` approve another user's write.
  it("turnOf(event) never returns another client's turn, even when their requestIds coincide", () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.123456789);
    const a = harness(server, { turnTimeoutMs: 0 });
    const b = harness(server, { turnTimeoutMs: 0 });
    const asks: Record<string, TurnEvent> = {};
    testScheduler().run(({ flush }) => {
      a.client.turn({ sessionId: 'session-of-alice', message: 'ask a' }).subscribe((e) => (e.type === 'write_confirmation_required' ? (asks['a'] = e) : undefined));
      b.client.turn({ sessionId: 'session-of-bob', message: 'ask b' }).subscribe((e) => (e.type === 'write_confirmation_required' ? (asks['b'] = e) : undefined));
      flush();
    });
    expect(turnOf(asks['a'] as TurnEvent).sessionId).toBe('session-of-alice');
    expect(turnOf(asks['b'] as TurnEvent).sessionId).toBe('session-of-bob');
  });

  // The ended turns kept for turnOf() hold their request (attachments included), deps, pool and
  // connections, and the bound is a count, not bytes: closing the client must let them go.
  it("a closed client's ended turns (and what they sent) are released", async () => {
    let images: { url: string }[] | undefined = [{ url: `data:image/png;base64,${'A'.repeat(1 << 20)}` }];
    let control: { url: string }[] | undefined = [{ url: 'control' }];
    const sent = new WeakRef(images);
    const dropped = new WeakRef(control);
    (() => {
      const h = harness(server, { turnTimeoutMs: 0 });
      const errors: SmoothError[] = [];
      testScheduler().run(({ flush }) => {
        h.client.turn({ sessionId: 's1', message: 'short', images: images as { url: string }[] }).subscribe({ error: (e: SmoothError) => errors.push(e) });
        flush();
      });
      expect(errors).toEqual([]);
      h.client.close();
    })();
    images = undefined;
    control = undefined;
    // A WeakRef made in this job keeps its target until the job ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    gc();
    expect(dropped.deref()).toBeUndefined(); // the collection did run
    expect(sent.deref()).toBeUndefined();
  });
});
