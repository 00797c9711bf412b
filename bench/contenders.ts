/**
 * What the bench compares: the floor (raw `ws` + `JSON.parse` + one `Map` lookup by requestId)
 * and this client, each opened as an "endpoint" (sockets plus sessions) that runs turns of the
 * blast server. Every turn's tally is checked against what the server sent (`checkTally`), so a
 * contender that drops or skips events fails the run instead of reporting a fast number.
 */
import { firstValueFrom, tap, type Observable, type Subscription } from 'rxjs';
import WebSocket, { type RawData } from 'ws';
import { connectionPool, createSmoothClient, type SmoothClientOptions, type TurnEvent } from '../src/index.js';
import { text } from '../operators/index.js';
import { answerText, monotonicUs, tokensOf, type TurnSpec } from './frames.js';
import { clientChat } from './chat.js';
import { BENCH_CLIENT_OPTIONS } from './client-options.js';

export interface OpenOptions {
  /** Sessions to create (turns are spread over them round-robin). */
  readonly sessions: number;
  /** Sockets one endpoint may use at once; the client gets a `connectionPool()` of that many. */
  readonly maxConnections?: number;
}

/** What a contender saw of one turn. */
export interface TurnTally {
  /** Events (floor, client-events) or `text()` emissions (client-text). */
  readonly seen: number;
  /** The last answer `text()` emitted. */
  readonly answer?: string;
  /** Ended by `stop()` rather than by the server. */
  readonly stopped: boolean;
}

export interface RunningTurn {
  /** Resolves on the turn's first token. */
  readonly started: Promise<void>;
  readonly done: Promise<TurnTally>;
  /** Abandons the turn (floor: sends `cancel`; client: unsubscribes, which sends it). */
  stop(): void;
}

export interface TurnOptions {
  /** Index of the session to run on. @default 0 */
  readonly session?: number;
  /** Receives the delivery delay (µs) of every token carrying `sentAtUs`. */
  readonly latencies?: number[];
}

export interface Endpoint {
  turn(spec: TurnSpec, options?: TurnOptions): RunningTurn;
  close(): void;
}

export interface Contender {
  readonly name: string;
  readonly label: string;
  /** What `TurnTally.seen` counts. */
  readonly counts: 'events' | 'answers';
  /** Whether it can time each token's delivery (`TurnOptions.latencies`): it needs the wire events. @default true */
  readonly measuresLatency?: false;
  open(url: string, options: OpenOptions): Promise<Endpoint>;
}

/** A contender reported something other than what the server sent. */
export class BenchIntegrityError extends Error {
  readonly code = 'BENCH_INTEGRITY';
}

/** The wire events of a turn, once its tally proves the contender processed every one of them. */
export function checkTally(contender: Contender, spec: TurnSpec, tally: TurnTally): number {
  if (contender.counts === 'events') {
    if (tally.seen !== spec.events) throw new BenchIntegrityError(`${contender.name} counted ${tally.seen} events of ${spec.events}`);
    return spec.events;
  }
  const tokens = tokensOf(spec.events);
  if (tally.seen !== tokens || tally.answer !== answerOf(tokens)) {
    throw new BenchIntegrityError(`${contender.name} emitted ${tally.seen} answers of ${tokens}, the last ${tally.answer?.length ?? 0} chars long`);
  }
  return spec.events;
}

const answers = new Map<number, string>();
function answerOf(tokens: number): string {
  let answer = answers.get(tokens);
  if (answer === undefined) answers.set(tokens, (answer = answerText(tokens)));
  return answer;
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (err: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const sendText = (spec: TurnSpec): string => JSON.stringify(spec);
const sentAtOf = (event: TurnEvent): number | undefined => (event as { sentAtUs?: unknown }).sentAtUs as number | undefined;

// ---------------------------------------------------------------------------------------------
// The floor

interface FloorFrame {
  readonly type?: string;
  readonly requestId?: string;
  readonly sentAtUs?: number;
  readonly data?: { readonly sessionId?: string };
}

interface FloorEntry {
  seen: number;
  started: boolean;
  readonly latencies: number[] | undefined;
  onStart(): void;
  onEnd(frame: FloorFrame): void;
}

async function openFloor(url: string, options: OpenOptions): Promise<Endpoint> {
  const entries = new Map<string, FloorEntry>();
  const onMessage = (data: RawData): void => {
    const frame = JSON.parse(String(data)) as FloorFrame;
    const entry = frame.requestId === undefined ? undefined : entries.get(frame.requestId);
    if (entry === undefined) return;
    entry.seen++;
    const type = frame.type;
    if (type === 'stream_token') {
      if (entry.latencies !== undefined && frame.sentAtUs !== undefined) entry.latencies.push(monotonicUs() - frame.sentAtUs);
      if (!entry.started) ((entry.started = true), entry.onStart());
    } else if (type === 'eventual_response' || type === 'cancelled' || type === 'error' || (type === 'immediate_response' && frame.data?.sessionId !== undefined)) {
      entries.delete(frame.requestId as string);
      entry.onEnd(frame);
    }
  };
  const sockets = await Promise.all(
    Array.from({ length: Math.max(1, options.maxConnections ?? 1) }, async () => {
      const socket = new WebSocket(url);
      socket.on('message', onMessage);
      await new Promise<void>((resolve, reject) => (socket.once('open', () => resolve()), socket.once('error', reject)));
      return socket;
    }),
  );
  let seq = 0;
  let nextSocket = 0;
  const entry = (latencies: number[] | undefined, onStart: () => void, onEnd: (frame: FloorFrame) => void): FloorEntry => ({ seen: 0, started: false, latencies, onStart, onEnd });
  const sessionIds = await Promise.all(
    Array.from({ length: options.sessions }, (_, i) => {
      const requestId = `f-session-${++seq}`;
      const reply = deferred<string>();
      entries.set(requestId, entry(undefined, () => undefined, (frame) => reply.resolve(frame.data?.sessionId ?? '')));
      (sockets[i % sockets.length] as WebSocket).send(JSON.stringify({ action: 'create_conversation_session', requestId, agentId: 'bench' }));
      return reply.promise;
    }),
  );
  return {
    turn(spec, turnOptions = {}) {
      const requestId = `f-${++seq}`;
      const socket = sockets[nextSocket++ % sockets.length] as WebSocket;
      const started = deferred<void>();
      const done = deferred<TurnTally>();
      let stopped = false;
      const state = entry(turnOptions.latencies, () => started.resolve(), () => done.resolve({ seen: state.seen, stopped }));
      entries.set(requestId, state);
      const sessionId = sessionIds[(turnOptions.session ?? 0) % sessionIds.length];
      socket.send(JSON.stringify({ action: 'send_message', requestId, sessionId, message: sendText(spec), stream: true }));
      return {
        started: started.promise,
        done: done.promise,
        stop: () => {
          stopped = true;
          socket.send(JSON.stringify({ action: 'cancel', requestId, sessionId }));
        },
      };
    },
    close: () => sockets.forEach((socket) => socket.close(1000)),
  };
}

export const floor: Contender = { name: 'floor', label: 'floor: ws + JSON.parse + Map', counts: 'events', open: openFloor };

// ---------------------------------------------------------------------------------------------
// This client

async function openClient(url: string, options: OpenOptions, kind: 'text' | 'events'): Promise<Endpoint> {
  // A pool only when the scenario names a number of sockets: otherwise the client runs as an app
  // that imports no pool does.
  const clientOptions: SmoothClientOptions = {
    url,
    ...BENCH_CLIENT_OPTIONS,
    ...(options.maxConnections !== undefined ? { pool: connectionPool({ maxConnections: options.maxConnections }) } : {}),
  };
  const client = createSmoothClient(clientOptions);
  const sessionIds = await Promise.all(Array.from({ length: options.sessions }, () => firstValueFrom(client.createSession({ agentId: 'bench' })).then((s) => s.sessionId)));
  return {
    turn(spec, turnOptions = {}) {
      const turn$ = client.turn({ sessionId: sessionIds[(turnOptions.session ?? 0) % sessionIds.length] as string, message: sendText(spec) });
      return kind === 'events' ? countEvents(turn$, turnOptions.latencies) : countAnswers(turn$, turnOptions.latencies);
    },
    close: () => client.close(),
  };
}

function countEvents(turn$: Observable<TurnEvent>, latencies: number[] | undefined): RunningTurn {
  const started = deferred<void>();
  const done = deferred<TurnTally>();
  let seen = 0;
  let first = true;
  const subscription: Subscription = turn$.subscribe({
    next: (event) => {
      seen++;
      if (event.type !== 'stream_token') return;
      if (latencies !== undefined) {
        const sentAt = sentAtOf(event);
        if (sentAt !== undefined) latencies.push(monotonicUs() - sentAt);
      }
      if (first) ((first = false), started.resolve());
    },
    error: (err: unknown) => done.reject(err),
    complete: () => done.resolve({ seen, stopped: false }),
  });
  return { started: started.promise, done: done.promise, stop: () => (subscription.unsubscribe(), done.resolve({ seen, stopped: true })) };
}

function countAnswers(turn$: Observable<TurnEvent>, latencies: number[] | undefined): RunningTurn {
  const started = deferred<void>();
  const done = deferred<TurnTally>();
  let seen = 0;
  let answer: string | undefined;
  let sentAt: number | undefined;
  // The delay is read after text() has run: a tap before it only remembers the token's send time.
  const source = latencies === undefined ? turn$ : turn$.pipe(tap((event) => (sentAt = event.type === 'stream_token' ? sentAtOf(event) : undefined)));
  const subscription = source.pipe(text()).subscribe({
    next: (value) => {
      if (seen++ === 0) started.resolve();
      answer = value;
      if (latencies !== undefined && sentAt !== undefined) latencies.push(monotonicUs() - sentAt);
    },
    error: (err: unknown) => done.reject(err),
    complete: () => done.resolve({ seen, answer, stopped: false }),
  });
  return { started: started.promise, done: done.promise, stop: () => (subscription.unsubscribe(), done.resolve({ seen, answer, stopped: true })) };
}

export const clientText: Contender = {
  name: 'client-text',
  label: 'client: turn().pipe(text())',
  counts: 'answers',
  open: (url, options) => openClient(url, options, 'text'),
};

export const clientEvents: Contender = {
  name: 'client-events',
  label: 'client: turn(), events counted',
  counts: 'events',
  open: (url, options) => openClient(url, options, 'events'),
};

export const contenders: readonly Contender[] = [floor, clientText, clientEvents, clientChat];
