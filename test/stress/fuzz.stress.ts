/**
 * Fuzz: ≥ 100,000 generated frames mixed into live turns of one client, through an in-process
 * fake socket. Each frame is checked on its own: a valid frame of the turn is emitted once and
 * reported never, a bad one is reported exactly once and emitted never. Every turn ends as its
 * last frame says, nothing is thrown (synchronously or through rxjs), and no prototype changes.
 */
import { createSmoothClient } from '../../src/client/client.js';
import type { DiagnosticKind } from '../../src/client/diagnostics.js';
import { SmoothInvalidFrameError, SmoothProtocolError } from '../../src/errors.js';
import type { ClientAction } from '../../src/generated/types.js';
import { FakeSockets, type FakeWebSocket } from '../../src/testing/fake-socket.js';
import { accepted, afterEnd, badFrame, ending, hugeFrame, liveFrame, park, type Frame } from './fuzz-frames.js';
import { seeded } from '../support/prng.js';
import { captureUnhandled, figure, prototypeKeys, Tally } from './support.js';

const MIN_FRAMES = 100_000;
/** Frames over 10 MB: slow to build and parse, so a handful. */
const HUGE_FRAMES = 6;
const MB = 1024 * 1024;

it(`${MIN_FRAMES} fuzzed frames in live turns: each accounted for exactly once, every turn ends, nothing thrown or polluted`, () => {
  const random = seeded('fuzz');
  const unhandled = captureUnhandled();
  const prototypesBefore = prototypeKeys();
  const started = Date.now();
  const sockets = new FakeSockets({ autoOpen: false });
  const client = createSmoothClient({ url: 'ws://fuzz/ws', token: 'fuzz-token', webSocketImpl: sockets.WebSocket });
  let diagnostics = 0;
  let lastKind: DiagnosticKind | undefined;
  client.diagnostics$.subscribe((d) => {
    diagnostics++;
    lastKind = d.kind;
  });

  const frames = new Tally();
  const failures: string[] = [];
  const fail = (what: string): void => {
    if (failures.length < 20) failures.push(`seed ${random.seed}, turn ${turns}: ${what}`);
  };
  const ended: string[] = [];
  let turns = 0;
  let emitted = 0;
  let thrown = 0;
  let hugeLeft = HUGE_FRAMES;
  let hugeBytes = 0;
  let socket: FakeWebSocket | undefined;

  const feed = (frame: Frame): void => {
    const emittedBefore = emitted;
    const diagnosticsBefore = diagnostics;
    try {
      // Straight to the handler the client installed: binary frames must reach it as binary.
      socket?.onmessage?.({ data: frame.data });
    } catch (err) {
      thrown++;
      fail(`${frame.label} threw ${String(err)}`);
    }
    frames.add(frame.label);
    const newEvents = emitted - emittedBefore;
    const newReports = diagnostics - diagnosticsBefore;
    if (frame.expect.outcome === 'emit') {
      if (newEvents !== 1 || newReports !== 0) fail(`${frame.label}: ${newEvents} emitted, ${newReports} reported (want 1, 0)`);
    } else {
      const kinds = frame.expect.kinds;
      const want = kinds.length === 0 ? 0 : 1;
      if (newEvents !== 0 || newReports !== want) fail(`${frame.label}: ${newEvents} emitted, ${newReports} reported (want 0, ${want})`);
      else if (want === 1 && (lastKind === undefined || !kinds.includes(lastKind))) fail(`${frame.label}: reported as ${lastKind}, want ${kinds.join(' | ')}`);
    }
  };

  while (frames.total < MIN_FRAMES) {
    turns++;
    let result: 'complete' | 'protocol-error' | 'invalid-frame-error' | 'other-error' | undefined;
    const subscription = client.turn({ sessionId: 'fuzz-session', message: `turn ${turns}` }).subscribe({
      next: (event) => {
        emitted++;
        // A frame with `__proto__` / `constructor` keys must stay a plain object.
        if (Object.getPrototypeOf(event) !== Object.prototype || (event as { polluted?: unknown }).polluted !== undefined) fail(`event ${event.type} has a foreign prototype`);
      },
      error: (err: unknown) => (result = err instanceof SmoothProtocolError ? 'protocol-error' : err instanceof SmoothInvalidFrameError ? 'invalid-frame-error' : 'other-error'),
      complete: () => (result = 'complete'),
    });
    if (socket === undefined) {
      socket = sockets.current;
      socket.open();
    }
    const sent = JSON.parse(socket.sentRaw[socket.sentRaw.length - 1] ?? '{}') as ClientAction;
    if (sent.action !== 'send_message') fail(`the turn sent ${sent.action}, not send_message`);
    const r = sent.requestId;

    const bad = (): void => {
      for (let n = random.int(1, 3); n > 0; n--) feed(badFrame(random, r, ended));
    };
    if (random.chance(0.2)) bad(); // before the ack too
    feed(accepted(r));
    const live = random.int(0, 12);
    const parkAt = random.chance(0.15) ? random.int(0, live) : -1;
    for (let i = 0; i <= live; i++) {
      if (i === parkAt) park(random, r).forEach(feed);
      if (random.chance(0.5)) bad();
      if (i < live) feed(liveFrame(random, r));
    }
    if (hugeLeft > 0 && random.chance(0.002)) {
      hugeLeft--;
      const size = random.int(10 * MB, 50 * MB);
      hugeBytes += size;
      feed(hugeFrame(random, r, size));
    }
    const end = ending(random, r);
    feed(end.frame);
    if (result !== end.result) fail(`ended ${result ?? 'not at all'} after ${end.frame.label}, want ${end.result}`);
    // Duplicated terminals and stragglers of the turn just ended.
    if (random.chance(0.3)) feed(afterEnd(random, r));
    ended.push(r);
    if (ended.length > 2000) ended.splice(0, 1000);
    subscription.unsubscribe();
  }
  // The run may end before all huge frames had their chance: the rest go into one last turn's slot.
  let lastTurnEnded = false;
  if (hugeLeft > 0) {
    client.turn({ sessionId: 'fuzz-session', message: 'huge' }).subscribe({ next: () => emitted++, complete: () => (lastTurnEnded = true), error: () => (lastTurnEnded = true) });
    const r = (JSON.parse(socket?.sentRaw[socket.sentRaw.length - 1] ?? '{}') as ClientAction).requestId;
    feed(accepted(r));
    for (; hugeLeft > 0; hugeLeft--) {
      const size = random.int(10 * MB, 50 * MB);
      hugeBytes += size;
      feed(hugeFrame(random, r, size));
    }
    feed(ending(random, r).frame);
    turns++;
    if (!lastTurnEnded) fail('the last turn did not end');
  }
  client.close();
  unhandled.restore();
  const seconds = (Date.now() - started) / 1000;

  figure('fuzz', `${frames.total} frames in ${turns} turns, ${seconds.toFixed(1)} s; ${HUGE_FRAMES} frames of 10–50 MB (${(hugeBytes / MB).toFixed(0)} MB in all)`);
  figure('fuzz', `frames by kind: ${frames}`);
  expect(failures).toEqual([]);
  expect(thrown).toBe(0);
  expect(unhandled.errors).toEqual([]);
  expect(prototypeKeys()).toBe(prototypesBefore);
  expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  expect(frames.total).toBeGreaterThanOrEqual(MIN_FRAMES);
});
