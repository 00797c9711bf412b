/**
 * Fresh-eyes review of the performance work (issue 10). Each test states a finding: it failed
 * against the code as reviewed (written as `it.failing` first) and passes since its fix.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { SmoothError, SmoothTurnInProgressError } from '../../src/errors.js';
import { acceptedFrame, eventualFrame, tokenFrame, writeConfirmationFrame } from '../../src/testing/frames.js';
import { turnOf } from '../../src/turn/context.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import { harness, type Script, testScheduler } from '../client/harness.js';

/** "ask…" parks on a write confirmation; "long" streams until t=50; anything else ends at t=10. */
const server: Script = (action) => {
  if (action.action !== 'send_message') return undefined;
  if (action.message.startsWith('ask')) return [[1, acceptedFrame(action.requestId)], [2, writeConfirmationFrame(action.requestId, 'refund')]];
  const end = action.message.startsWith('long') ? 50 : 10;
  return [[1, acceptedFrame(action.requestId)], [2, tokenFrame(action.requestId, 'x')], [end, eventualFrame(action.requestId, 'x')]];
};

const gc: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

describe('issue 10 review', () => {
  afterEach(() => jest.restoreAllMocks());

  // Finding 1 (turnOf by requestId): the registry is process-wide, but requestIds are unique
  // only per connection (6 random base36 chars + a counter that starts at 1 on every client).
  // Two clients whose prefixes coincide — certain when Math.random is pinned, as tests of the
  // back-off jitter do; a birthday risk otherwise — share `rx-xxxx-1`, and the later turn
  // overwrites the earlier in the registry: turnOf(eventOfA) returns B's turn, so
  // `turnOf(e).confirm(true)` approves the write of another user's session on another socket.
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

  // Finding 2 (pool, turnConcurrency 'fail'): the error names the first busy socket's turn, not
  // the turn in the way. With a free socket, a session's second turn is refused because that
  // session's own turn runs, yet `activeRequestId` names another session's turn: a caller that
  // cancels "the turn in the way" cancels someone else's.
  it("turnConcurrency 'fail' with a pool names the session's own running turn as the one in the way", () => {
    const h = harness(server, { maxConnections: 3, turnConcurrency: 'fail', turnTimeoutMs: 0 });
    const ids: Record<string, string> = {};
    let refused: SmoothTurnInProgressError | undefined;
    testScheduler().run(({ flush }) => {
      h.client.turn({ sessionId: 's1', message: 'long a' }).subscribe((e) => void (ids['a'] = ids['a'] ?? e.requestId));
      h.client.turn({ sessionId: 's2', message: 'long b' }).subscribe((e) => void (ids['b'] = ids['b'] ?? e.requestId));
      h.client.turn({ sessionId: 's2', message: 'c' }).subscribe({ error: (err: SmoothTurnInProgressError) => (refused = err) });
      flush();
    });
    expect(refused?.code).toBe('TURN_IN_PROGRESS');
    expect(refused?.activeRequestId).toBe(ids['b']);
  });

  // Finding 3 (registry retention): the 256 ended turns kept for turnOf() are whole TurnRuns:
  // their request (attachments included), deps, pool and connections. A closed client stays
  // reachable through them, and the bound is a count, not bytes: 256 turns that sent a 5 MB
  // image keep 1.3 GB. Closing the client should release its turns.
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
  // Finding 4 (README): issue 10 asks that "where a target is missed, the note says by how much,
  // why, and what would close it". The Performance section states no target at all, while its own
  // table misses most of them: heap per idle connection 18 KB (target 8), per open turn 4.8–5.0 KB
  // (target 2), the typical import 16.9 KB gzipped without rxjs (target 12) and 25.8 KB with it
  // (target 20), 1 turn open ×0.72 (target 0.95); flatness, which the bench prints (client-text
  // 0.75 in latest.json), is not quoted.
  it('the README Performance section states each missed target, by how much, why, and what would close it', () => {
    const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Performance'), readme.indexOf('## Development'));
    for (const target of [/≤ ?8 KB/i, /≤ ?2 KB/i, /≤ ?12 KB/i, /≤ ?20 KB/i, /0\.95/, /flat/i]) expect(section).toMatch(target);
  });
});
