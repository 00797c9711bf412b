/**
 * What the fuzz suite feeds a live turn: valid frames of the turn (which the turn must emit) and
 * bad frames of every kind the issue lists (each of which must be reported exactly once on
 * `diagnostics$`, with one of the kinds given). Every frame knows what it should cause, so the
 * suite checks each frame on its own instead of totals that could hide a loss.
 */
import type { DiagnosticKind } from '../../src/client/diagnostics.js';
import {
  acceptedFrame,
  cancelledFrame,
  errorFrame,
  eventualFrame,
  immediateFrame,
  interactionRequiredFrame,
  pongFrame,
  reasoningFrame,
  tokenFrame,
  toolCallFrame,
  toolResultFrame,
  writeConfirmationFrame,
} from '../../src/testing/frames.js';
import type { Random } from '../support/prng.js';

/** What the client should do with one frame. */
export type Expect =
  /** A valid event of the live turn: emitted once, nothing reported. */
  | { readonly outcome: 'emit' }
  /** Reported once, with one of these kinds; nothing emitted. */
  | { readonly outcome: 'report'; readonly kinds: readonly DiagnosticKind[] };

export interface Frame {
  /** What the socket delivers: text, or binary. */
  readonly data: string | ArrayBuffer;
  readonly expect: Expect;
  /** For the figures and for a failure message. */
  readonly label: string;
}

const emit: Expect = { outcome: 'emit' };
const report = (...kinds: DiagnosticKind[]): Expect => ({ outcome: 'report', kinds });
const encoder = new TextEncoder();

function binary(text: string): ArrayBuffer {
  const bytes = encoder.encode(text);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

const DEPTH = 100_000;
/** Built once: a 1e5-deep array, and a 1e5-deep object, as JSON text. */
const deepArray = '['.repeat(DEPTH) + ']'.repeat(DEPTH);
const deepObject = '{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH);

/** Keys that pollute a prototype if a parser or a copy assigns them instead of defining them. */
const POLLUTERS = '"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"polluted":"yes"},';

/** Type values a frame may claim: prototype keys, near-misses, non-strings. */
const HOSTILE_TYPES: readonly { json: string; expect: Expect }[] = [
  ...['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '', ' eventual_response', 'EVENTUAL_RESPONSE', 'stream_token\u0000', 'é€😀'].map((t) => ({
    json: JSON.stringify(t),
    expect: report('unknown-event-type'),
  })),
  ...['{"toString":"x","valueOf":1}', '{"__proto__":{"polluted":"yes"}}', '["eventual_response"]', '42', 'null', 'true'].map((json) => ({
    json,
    expect: report('invalid-frame'),
  })),
];

/** A valid, non-terminal event of the turn `r` (what a live turn emits). */
export function liveFrame(random: Random, r: string): Frame {
  const choice = random.int(0, 9);
  const frame =
    choice < 5 ? tokenFrame(r, random.text(12)) : choice === 5 ? reasoningFrame(r, random.text(8)) : choice === 6 ? toolCallFrame(r, 'lookup', { id: random.text(4) }) : choice === 7 ? toolResultFrame(r, 'lookup', random.text(10)) : tokenFrame(r, random.text(3));
  const text = JSON.stringify(frame);
  const variant = random.int(0, 9);
  // Valid frames in forms a careless parser trips on: binary, prototype keys, a 1e5-deep extra field.
  if (variant === 0) return { data: binary(text), expect: emit, label: 'valid-binary' };
  if (variant === 1) return { data: `{${POLLUTERS}${text.slice(1)}`, expect: emit, label: 'valid-proto-keys' };
  if (variant === 2) return { data: text.replace('"data":{', `"data":{${POLLUTERS}`), expect: emit, label: 'valid-proto-keys' };
  if (variant === 3 && random.chance(0.005)) return { data: `{"deep":${deepObject},${text.slice(1)}`, expect: emit, label: 'valid-deep-extra' };
  return { data: text, expect: emit, label: 'valid' };
}

/** A bad frame, mixed into the live turn `r`; `ended` are requestIds of turns that have ended. */
export function badFrame(random: Random, r: string, ended: readonly string[]): Frame {
  const choice = random.int(0, 13);
  switch (choice) {
    case 0:
      // Random bytes may decode to a bare number, which is JSON but not an object.
      return { data: random.bytes(random.int(0, 64)).buffer as ArrayBuffer, expect: report('unparseable-frame', 'invalid-frame'), label: 'random-bytes' };
    case 1:
      return { data: random.text(40), expect: report('unparseable-frame', 'invalid-frame'), label: 'random-text' };
    case 2: {
      // A strict prefix of a JSON object is never JSON.
      const text = JSON.stringify(tokenFrame(r, random.text(10)));
      return { data: text.slice(0, random.int(1, text.length - 1)), expect: report('unparseable-frame'), label: 'truncated-json' };
    }
    case 3:
      return { data: random.pick(['42', '-0', '1e308', '"text"', 'null', 'true', '[]', '[1,{"type":"eventual_response"}]', '""']), expect: report('invalid-frame'), label: 'non-object-json' };
    case 4: {
      const hostile = random.pick(HOSTILE_TYPES);
      return { data: `{"type":${hostile.json},"requestId":${JSON.stringify(r)},"data":{}}`, expect: hostile.expect, label: 'hostile-type' };
    }
    case 5:
      return { data: JSON.stringify(tokenFrame(`foreign-${random.int(0, 1e9)}`, 'x')), expect: report('unroutable-event'), label: 'foreign-requestId' };
    case 6: {
      // Without a requestId: a token is invalid (required), a pong or an error is unattributable.
      const frame = random.pick([{ type: 'stream_token', token: 'x' }, { type: 'pong', timestamp: 1 }, errorFrame(undefined, 'VALIDATION_ERROR')]);
      return { data: JSON.stringify(frame), expect: report('invalid-frame', 'unroutable-event'), label: 'missing-requestId' };
    }
    case 7: {
      // Valid events of turns that have ended: duplicated terminals, stragglers.
      if (ended.length === 0) return badFrame(random, r, ended);
      const old = random.pick(ended);
      const frame = random.pick([eventualFrame(old, 'again'), cancelledFrame(old), tokenFrame(old, 'late'), errorFrame(old, 'AGENT_ERROR'), acceptedFrame(old)]);
      // The client remembers the last few hundred ended ids (late); older ones are unknown to it.
      return { data: JSON.stringify(frame), expect: report('late-event', 'unroutable-event'), label: 'after-the-end' };
    }
    case 8:
      // Not a turn event: a pong on the turn's id.
      return { data: JSON.stringify(pongFrame(r)), expect: report('unexpected-event'), label: 'pong-on-turn' };
    case 9:
      // Right type and id, wrong shape, not a terminal: reported, the turn goes on.
      return { data: JSON.stringify({ ...tokenFrame(r, 'x'), token: random.pick([42, null, {}, []]) }), expect: report('invalid-frame'), label: 'invalid-live' };
    case 10:
      return { data: JSON.stringify({ type: random.pick(['stream_citation', 'agent_thinking', 'x-vendor']), requestId: r, data: {} }), expect: report('unknown-event-type'), label: 'unknown-type' };
    case 11:
      // A 1e5-deep frame takes ~20 ms to parse: about a hundred per run.
      if (!random.chance(0.03)) return badFrame(random, r, ended);
      return { data: random.pick([deepArray, `{"type":${deepObject}}`, `{"type":"stream_token","requestId":${JSON.stringify(r)},"token":${deepArray}}`]), expect: report('invalid-frame'), label: 'deep-nesting' };
    case 12:
      return { data: `{${POLLUTERS}"type":"stream_token","requestId":${JSON.stringify(r)}}`, expect: report('invalid-frame'), label: 'proto-keys-invalid' };
    default:
      return { data: binary(random.text(30)), expect: report('unparseable-frame', 'invalid-frame'), label: 'binary-text' };
  }
}

/** A frame of a turn that has ended (`r`): a duplicated terminal or a straggler. */
export function afterEnd(random: Random, r: string): Frame {
  const frame = random.pick([eventualFrame(r, 'again'), cancelledFrame(r), tokenFrame(r, 'late'), errorFrame(r, 'AGENT_ERROR'), pongFrame(r)]);
  return { data: JSON.stringify(frame), expect: report('late-event'), label: 'after-the-end' };
}

/** How a turn of the fuzz run ends, and what the subscriber must then see. */
export interface Ending {
  readonly frame: Frame;
  readonly result: 'complete' | 'protocol-error' | 'invalid-frame-error';
}

export function ending(random: Random, r: string): Ending {
  const choice = random.int(0, 9);
  if (choice < 6) return { frame: { data: JSON.stringify(eventualFrame(r, random.text(20))), expect: emit, label: 'end-eventual' }, result: 'complete' };
  if (choice === 6) return { frame: { data: JSON.stringify(cancelledFrame(r)), expect: emit, label: 'end-cancelled' }, result: 'complete' };
  if (choice === 7) {
    const code = random.pick(['AGENT_ERROR', 'VALIDATION_ERROR', 'SESSION_NOT_FOUND', 'INTERNAL_ERROR']);
    return { frame: { data: JSON.stringify(errorFrame(r, code)), expect: report(), label: 'end-error' }, result: 'protocol-error' };
  }
  // A terminal that fails validation: reported, and it ends the turn instead of hanging it.
  const bad = random.chance(0.5) ? { ...eventualFrame(r, 'x'), data: 5 } : { ...cancelledFrame(r), status: 'no' };
  return { frame: { data: JSON.stringify(bad), expect: report('invalid-frame'), label: 'end-invalid' }, result: 'invalid-frame-error' };
}

/** The frames that open a turn (its 202) and, sometimes, park it on a human and resume it. */
export function accepted(r: string): Frame {
  return { data: JSON.stringify(acceptedFrame(r)), expect: emit, label: 'ack' };
}

export function park(random: Random, r: string): Frame[] {
  const ask = random.chance(0.5)
    ? writeConfirmationFrame(r, 'delete_record')
    : interactionRequiredFrame(r, { interactionId: `ix-${random.int(0, 1e6)}`, kind: 'identity_intake', spec: { fields: [{ key: 'email', required: true }] } });
  // The server resumes with the 200 of an answer given on another path (a second tab), then streams.
  return [
    { data: JSON.stringify(ask), expect: emit, label: 'park' },
    { data: JSON.stringify(immediateFrame(r, 200, 'Resumed', {})), expect: emit, label: 'resume' },
  ];
}

/**
 * Frames over 10 MB (slow to build and parse: a handful per run). Each is for the live turn `r`.
 * `size` is in bytes of text.
 */
export function hugeFrame(random: Random, r: string, size: number): Frame {
  switch (random.int(0, 3)) {
    case 0:
      return { data: `{"type":"stream_token","token":"${'x'.repeat(size)}`, expect: report('unparseable-frame'), label: 'huge-truncated' };
    case 1:
      return { data: JSON.stringify('y'.repeat(size)), expect: report('invalid-frame'), label: 'huge-json-string' };
    case 2:
      return { data: `{"type":"${'z'.repeat(size)}","requestId":${JSON.stringify(r)}}`, expect: report('unknown-event-type'), label: 'huge-type' };
    default:
      return { data: JSON.stringify(tokenFrame(r, 't'.repeat(size))), expect: emit, label: 'huge-valid-token' };
  }
}
