/**
 * Conformance helpers: load the reference recordings (`<protocol dir>/recorded/*.jsonl`) at run
 * time, derive a mock-server script reproducing each recorded agent, replay the recorded client
 * frames over a raw `ws` socket and compare the server frames structurally with the recorded ones.
 *
 * Nothing recorded is copied here: every expectation is read from the recordings when tests run.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { WebSocket } from 'ws';
import type { MockModelOutput, MockServerOptions, MockTool } from '../../src/testing/mock-server/index.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface RecordedEntry {
  readonly seq: number;
  readonly dir: 'c2s' | 's2c' | 'meta';
  readonly frame?: JsonObject;
}

export interface RecordedSession {
  /** File name without `.jsonl`. */
  readonly name: string;
  readonly entries: readonly RecordedEntry[];
}

/** `$SMOOTH_PROTOCOL_DIR`, else `../shared/protocol` relative to the repository root. */
export function protocolDir(): string {
  return process.env.SMOOTH_PROTOCOL_DIR ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'protocol');
}

/** The recorded sessions of `<dir>/recorded`, sorted by name; empty when the folder is absent. */
export function loadSessions(dir: string = protocolDir()): RecordedSession[] {
  const recorded = path.join(dir, 'recorded');
  if (!existsSync(recorded)) return [];
  return readdirSync(recorded)
    .filter((file) => file.endsWith('.jsonl'))
    .sort()
    .map((file) => ({
      name: file.replace(/\.jsonl$/, ''),
      entries: readFileSync(path.join(recorded, file), 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as RecordedEntry)
        .sort((a, b) => a.seq - b.seq),
    }));
}

export function s2cFrames(session: RecordedSession): JsonObject[] {
  return session.entries.filter((e) => e.dir === 's2c' && e.frame !== undefined).map((e) => e.frame as JsonObject);
}

// ---------------------------------------------------------------------------------------------
// Deriving the mock server's options from a recording

/** Interaction raise tools built into reference servers (and the mock): not user tools. */
const RAISE_TOOLS = new Set(['request_identity_intake', 'request_choices']);

const obj = (value: Json | undefined): JsonObject | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;

/**
 * Options whose scripted model reproduces the recorded agent: one model output per observed model
 * call, in order (a `toolCall` chunk is a tool call, an `eventual_response` is the final text);
 * tools answering with their recorded (non-error) result; `confirmTools` / `otp.tools` for tools
 * the recording gated; knowledge documents from recorded citations. `supports` needs nothing
 * here: the recorded create frame carrying it is replayed as is.
 */
export function deriveOptions(session: RecordedSession): MockServerOptions {
  const script: MockModelOutput[] = [];
  const tools = new Map<string, MockTool>();
  const confirmTools = new Set<string>();
  const otpTools = new Set<string>();
  const knowledge = new Map<string, string>();
  for (const frame of s2cFrames(session)) {
    const data = obj(frame.data);
    const inner = obj(data?.data);
    switch (frame.type) {
      case 'write_confirmation_required':
        confirmTools.add(String(inner?.toolId));
        break;
      case 'otp_verification_required':
        otpTools.add(String(inner?.toolId));
        break;
      case 'stream_chunk': {
        const raw = obj(obj(data?.state)?.rawResponse);
        const call = obj(raw?.toolCall);
        const result = obj(raw?.toolResult);
        if (call !== undefined) script.push({ kind: 'toolCall', name: String(call.name), arguments: JSON.stringify(call.arguments ?? {}) });
        // The mock refuses a script calling a tool it does not list: a call whose result was never
        // recorded (cancelled mid-turn) still names a tool, its result unknown.
        if (call !== undefined && !RAISE_TOOLS.has(String(call.name)) && !tools.has(String(call.name))) tools.set(String(call.name), { name: String(call.name), result: '' });
        if (result !== undefined && result.isError === false && !RAISE_TOOLS.has(String(result.name))) {
          tools.set(String(result.name), { name: String(result.name), result: String(result.result) });
        }
        break;
      }
      case 'eventual_response': {
        const parts = obj(inner?.response)?.responseParts;
        script.push({ kind: 'text', text: Array.isArray(parts) ? parts.join('') : '' });
        const citations = inner?.citations;
        if (Array.isArray(citations)) for (const c of citations.map(obj)) if (c) knowledge.set(String(c.id), String(c.snippet));
        break;
      }
    }
  }
  return {
    script,
    tools: [...tools.values()],
    confirmTools: [...confirmTools],
    ...(otpTools.size > 0 ? { otp: { tools: [...otpTools] } } : {}),
    ...(knowledge.size > 0 ? { knowledge: [...knowledge].map(([source, content]) => ({ source, content })) } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Ids the server mints: never compared by value, but mapped (recorded ↔ ours) consistently

export const MINTED_KEYS = new Set(['sessionId', 'conversationId', 'userParticipantId', 'agentParticipantId', 'messageId', 'interactionId']);

const NO_REQUEST_ID = '(no requestId)';
const requestKey = (frame: JsonObject): string => (typeof frame.requestId === 'string' ? frame.requestId : NO_REQUEST_ID);

/** Frames grouped by top-level requestId, in arrival order. */
export function byRequestId(frames: readonly JsonObject[]): Map<string, JsonObject[]> {
  const groups = new Map<string, JsonObject[]>();
  for (const frame of frames) {
    const key = requestKey(frame);
    groups.set(key, [...(groups.get(key) ?? []), frame]);
  }
  return groups;
}

/** Pairs the n-th recorded frame of a requestId with our n-th frame of it. */
export function pairFrames(recorded: readonly JsonObject[], ours: readonly JsonObject[]): [JsonObject, JsonObject, string, number][] {
  const mine = byRequestId(ours);
  const pairs: [JsonObject, JsonObject, string, number][] = [];
  for (const [key, frames] of byRequestId(recorded)) {
    frames.forEach((frame, i) => {
      const other = mine.get(key)?.[i];
      if (other !== undefined) pairs.push([frame, other, key, i]);
    });
  }
  return pairs;
}

/** Recorded minted id → ours, learnt from paired frames (where the key sits at the same path). */
export function learnIds(recorded: Json, ours: Json, into: Map<string, string>, key?: string): void {
  if (key !== undefined && MINTED_KEYS.has(key) && typeof recorded === 'string' && typeof ours === 'string') {
    if (!into.has(recorded)) into.set(recorded, ours);
    return;
  }
  if (Array.isArray(recorded) && Array.isArray(ours)) {
    recorded.forEach((r, i) => i < ours.length && learnIds(r, ours[i] as Json, into));
    return;
  }
  const r = obj(recorded);
  const o = obj(ours);
  if (r && o) for (const k of Object.keys(r)) if (k in o) learnIds(r[k] as Json, o[k] as Json, into, k);
}

/** A deep copy of a client frame with recorded minted ids replaced by ours (requestIds kept). */
export function substituteIds(value: Json, ids: ReadonlyMap<string, string>): Json {
  if (typeof value === 'string') return ids.get(value) ?? value;
  if (Array.isArray(value)) return value.map((v) => substituteIds(v, ids));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'requestId' ? v : substituteIds(v, ids)]));
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Replay

export interface ReplayResult {
  readonly recorded: JsonObject[];
  readonly ours: JsonObject[];
}

/**
 * Replays the recorded client frames against `url`. Before each client frame it waits until the
 * server sent as many frames as the recording shows before that frame (so resumes and cancels hit
 * the same point of the turn), then substitutes the ids the server minted. After the last client
 * frame it waits for the recorded number of frames, plus `graceMs` to catch extra ones.
 */
export async function replay(url: string, session: RecordedSession, { timeoutMs = 2000, graceMs = 150 } = {}): Promise<ReplayResult> {
  const socket = new WebSocket(url);
  const ours: JsonObject[] = [];
  socket.on('message', (data) => {
    const text = data.toString();
    try {
      ours.push(JSON.parse(text) as JsonObject);
    } catch {
      ours.push({ type: '(unparseable)', raw: text });
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const recorded: JsonObject[] = [];
  const ids = new Map<string, string>();
  const caughtUp = (): Promise<void> => waitFor(() => ours.length >= recorded.length, timeoutMs);
  try {
    for (const entry of session.entries) {
      if (entry.frame === undefined) continue;
      if (entry.dir === 's2c') {
        recorded.push(entry.frame);
        continue;
      }
      if (entry.dir !== 'c2s') continue;
      await caughtUp();
      for (const [r, o] of pairFrames(recorded, ours)) learnIds(r, o, ids);
      socket.send(JSON.stringify(substituteIds(entry.frame, ids)));
    }
    await caughtUp();
    await new Promise((resolve) => setTimeout(resolve, graceMs));
  } finally {
    socket.close(1000, 'done');
  }
  return { recorded, ours: [...ours] };
}

/** Resolves once `condition` holds, or after `timeoutMs` (the comparison then reports what is missing). */
async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
}

// ---------------------------------------------------------------------------------------------
// Structural comparison

export interface Mismatch {
  readonly path: string;
  readonly recorded: unknown;
  readonly ours: unknown;
}

const kindOf = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/** Compares two id spaces: recorded and our minted ids must correspond one to one. */
class IdCorrespondence {
  private readonly forward = new Map<string, string>();
  private readonly backward = new Map<string, string>();

  check(recorded: string, ours: string): boolean {
    const f = this.forward.get(recorded);
    const b = this.backward.get(ours);
    if (f === undefined && b === undefined) {
      this.forward.set(recorded, ours);
      this.backward.set(ours, recorded);
      return true;
    }
    return f === ours && b === recorded;
  }
}

/**
 * Every difference between the recorded server frames and ours: per requestId the same event
 * types in the same order; per paired frame the same key sets at every level, the same value
 * types and equal values, except minted ids (only a consistent one-to-one correspondence is
 * required) and `timestamp` (an integer either side). Also the interleaving across requestIds.
 */
export function compareFrames(recorded: readonly JsonObject[], ours: readonly JsonObject[]): Mismatch[] {
  const out: Mismatch[] = [];
  const ids = new IdCorrespondence();
  const rec = byRequestId(recorded);
  const mine = byRequestId(ours);
  for (const key of new Set([...rec.keys(), ...mine.keys()])) {
    const r = (rec.get(key) ?? []).map((f) => f.type);
    const o = (mine.get(key) ?? []).map((f) => f.type);
    if (JSON.stringify(r) !== JSON.stringify(o)) out.push({ path: `[${key}] event types`, recorded: r, ours: o });
  }
  for (const [r, o, key, i] of pairFrames(recorded, ours)) {
    if (r.type !== o.type) continue; // reported above
    compareValue(r, o, `[${key}]#${i} ${String(r.type)}`, undefined, ids, out);
  }
  const order = (frames: readonly JsonObject[]): string[] => frames.map((f) => `${requestKey(f)}:${String(f.type)}`);
  if (JSON.stringify(order(recorded)) !== JSON.stringify(order(ours))) {
    out.push({ path: 'interleaving across requestIds', recorded: order(recorded), ours: order(ours) });
  }
  return out;
}

function compareValue(recorded: unknown, ours: unknown, at: string, key: string | undefined, ids: IdCorrespondence, out: Mismatch[]): void {
  if (kindOf(recorded) !== kindOf(ours)) {
    out.push({ path: at, recorded, ours });
    return;
  }
  if (key !== undefined && MINTED_KEYS.has(key) && typeof recorded === 'string' && typeof ours === 'string') {
    if (!ids.check(recorded, ours)) out.push({ path: `${at} (minted id correspondence)`, recorded, ours });
    return;
  }
  if (key === 'timestamp' && typeof recorded === 'number' && typeof ours === 'number') {
    if (!Number.isInteger(ours)) out.push({ path: `${at} (integer epoch ms)`, recorded, ours });
    return;
  }
  if (Array.isArray(recorded) && Array.isArray(ours)) {
    if (recorded.length !== ours.length) out.push({ path: `${at}.length`, recorded: recorded.length, ours: ours.length });
    for (let i = 0; i < Math.min(recorded.length, ours.length); i += 1) compareValue(recorded[i], ours[i], `${at}[${i}]`, undefined, ids, out);
    return;
  }
  if (kindOf(recorded) === 'object') {
    const r = recorded as Record<string, unknown>;
    const o = ours as Record<string, unknown>;
    for (const k of Object.keys(r)) if (!(k in o)) out.push({ path: `${at}.${k}`, recorded: r[k], ours: '(missing)' });
    for (const k of Object.keys(o)) if (!(k in r)) out.push({ path: `${at}.${k}`, recorded: '(absent)', ours: o[k] });
    for (const k of Object.keys(r)) if (k in o) compareValue(r[k], o[k], `${at}.${k}`, k, ids, out);
    return;
  }
  if (!Object.is(recorded, ours)) out.push({ path: at, recorded, ours });
}

/** One readable line per mismatch: `path: recorded <json> | ours <json>`. */
export function formatMismatches(mismatches: readonly Mismatch[]): string[] {
  return mismatches.map((m) => `${m.path}: recorded ${JSON.stringify(m.recorded)} | ours ${JSON.stringify(m.ours)}`);
}
