/**
 * The frames the blast server streams, serialized once per shape and completed per turn by
 * joining the parts around the request id: serializing 200k objects in the server would make the
 * server, not the client, the bottleneck of the run. Shapes and field order come from the testing
 * kit's builders (`src/testing/frames.ts`), which follow recorded reference-server frames.
 */
import {
  acceptedFrame,
  cancelledFrame,
  eventualFrame,
  immediateFrame,
  pongFrame,
  sessionData,
  tokenFrame,
  toolCallFrame,
  toolResultFrame,
} from '../src/testing/frames.js';

/** What a `send_message` asks the blast server for; carried as JSON in `message`. */
export interface TurnSpec {
  /**
   * `blast`: every frame as fast as the socket takes them. `paced`: the tokens one per
   * millisecond, each carrying `sentAtUs`. `hold`: the first four frames, then nothing until a
   * `cancel` (a turn held open, for heap measurements).
   */
  readonly mode: 'blast' | 'paced' | 'hold';
  /** Frames of the turn, the 202 and the end included (at least 5). Ignored by `hold`. */
  readonly events: number;
}

/** Frames of a turn that are not tokens: 202, tool call, tool result, `eventual_response`. */
export const FRAMES_AROUND_TOKENS = 4;

const RID = '\u0000rid\u0000';
const SEP = JSON.stringify(RID).slice(1, -1);

/** Token texts are cut mid-word, about as long as reference servers' pieces. */
const PASSAGE =
  'Your order 123 has shipped and arrives Tuesday. The carrier picked it up this morning, and the tracking number is in the confirmation email. ';
const PIECE = 16;
const PIECES: readonly string[] = Array.from({ length: 64 }, (_, i) => {
  const start = (i * PIECE) % PASSAGE.length;
  return (PASSAGE + PASSAGE).slice(start, start + PIECE);
});

/** A frame with the request id cut out: `parts.join(escapedRequestId)` is the frame. */
type Parts = readonly string[];

function partsOf(frame: object): Parts {
  return JSON.stringify(frame).split(SEP);
}

const ACK = partsOf(acceptedFrame(RID));
const TOOL_CALL = partsOf(toolCallFrame(RID, 'lookup_order', { id: '123' }));
const TOOL_RESULT = partsOf(toolResultFrame(RID, 'lookup_order', 'Order 123: shipped, arrives Tuesday.'));
const TOKENS: readonly Parts[] = PIECES.map((piece) => partsOf(tokenFrame(RID, piece)));
const CANCELLED = partsOf(cancelledFrame(RID));
const eventualCache = new Map<number, Parts>();

/** The `i`-th token of every turn. */
export function tokenText(i: number): string {
  return PIECES[i % PIECES.length] as string;
}

/** The complete answer of a turn with `tokens` tokens: what `text()` must end with. */
export function answerText(tokens: number): string {
  let text = '';
  for (let i = 0; i < tokens; i++) text += tokenText(i);
  return text;
}

/** How many `stream_token` frames a turn of `events` frames carries. */
export function tokensOf(events: number): number {
  return Math.max(0, events - FRAMES_AROUND_TOKENS);
}

function eventualParts(tokens: number): Parts {
  let parts = eventualCache.get(tokens);
  if (parts === undefined) {
    parts = partsOf(eventualFrame(RID, { text: answerText(tokens) }));
    eventualCache.set(tokens, parts);
  }
  return parts;
}

/** A request id as it appears inside a JSON string. */
export function escapeId(requestId: string): string {
  return JSON.stringify(requestId).slice(1, -1);
}

/**
 * Frame `i` (0-based) of a blast turn of `events` frames: 202, tool call, tool result, the
 * tokens, then `eventual_response` with the whole answer.
 */
export function blastFrame(escapedId: string, events: number, i: number): string {
  const tokens = tokensOf(events);
  if (i === 0) return ACK.join(escapedId);
  if (i === 1) return TOOL_CALL.join(escapedId);
  if (i === 2) return TOOL_RESULT.join(escapedId);
  if (i < 3 + tokens) return (TOKENS[(i - 3) % TOKENS.length] as Parts).join(escapedId);
  return eventualParts(tokens).join(escapedId);
}

/**
 * A token built at send time: the real epoch-ms `timestamp`, plus `sentAtUs` (events are open,
 * so the extra field validates), the sender's monotonic clock in µs. `process.hrtime` reads
 * CLOCK_MONOTONIC, which every process of a Linux machine shares, so the receiver subtracts it
 * from its own reading without clock skew.
 */
export function pacedTokenFrame(requestId: string, i: number): string {
  const frame = { ...tokenFrame(requestId, tokenText(i)), timestamp: Date.now(), sentAtUs: monotonicUs() };
  return JSON.stringify(frame);
}

/** The shared monotonic clock in µs (see `pacedTokenFrame`). */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint()) / 1000;
}

export function cancelledText(escapedId: string): string {
  return CANCELLED.join(escapedId);
}

export function sessionText(requestId: string, sessionId: string): string {
  return JSON.stringify(immediateFrame(requestId, 200, 'Session created', { ...sessionData({ sessionId, conversationId: `c-${sessionId}` }) }));
}

export function pongText(requestId: string): string {
  return JSON.stringify(pongFrame(requestId));
}

/** Parses the `message` of a `send_message`; anything else is a small blast turn. */
export function parseSpec(message: unknown): TurnSpec {
  try {
    const spec = JSON.parse(String(message)) as Partial<TurnSpec>;
    const mode = spec.mode === 'paced' || spec.mode === 'hold' ? spec.mode : 'blast';
    const events = typeof spec.events === 'number' && spec.events >= FRAMES_AROUND_TOKENS + 1 ? Math.floor(spec.events) : 100;
    return { mode, events };
  } catch {
    return { mode: 'blast', events: 100 };
  }
}
