/**
 * The faults scenario, shared by the Jest suite and by a child process that must exit by itself:
 * turns on one session handle over real loopback sockets, each dropped at a random point (before
 * the ack, mid-stream, parked) in a random way (torn down, or closed with a code). Every turn must
 * end with a retryable `SmoothConnectionLostError` (with the ask when parked), the client must
 * reconnect by itself each time, and the next turn must run on a resumed session (the same
 * conversation, a new sessionId).
 */
import { filter, firstValueFrom } from 'rxjs';
import { createSmoothClient } from '../../src/client/client.js';
import type { ConnectionState } from '../../src/client/connection.js';
import { SmoothConnectionLostError } from '../../src/errors.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import { startDropServer, type DropMode } from './drop-server.js';
import type { Random } from '../support/prng.js';
import { Tally } from './support.js';

export interface FaultFigures {
  readonly turns: number;
  readonly connections: number;
  readonly reconnects: number;
  readonly seconds: number;
  readonly points: Tally;
  readonly failures: string[];
}

type Point = 'before-ack' | 'mid-stream' | 'parked';

const MODES: readonly DropMode[] = [
  { kind: 'terminate' },
  { kind: 'close', code: 1001, reason: 'going away' },
  { kind: 'close', code: 1011, reason: 'internal error' },
  { kind: 'close', code: 1012, reason: 'service restart' },
  { kind: 'close', code: 4000, reason: 'restart' },
];

export async function runFaults(turns: number, random: Random): Promise<FaultFigures> {
  const started = Date.now();
  const server = await startDropServer();
  const client = createSmoothClient({ url: server.url, token: 'faults-token', retryBaseDelayMs: 2, retryMaxDelayMs: 20, requestTimeoutMs: 5000, turnTimeoutMs: 10_000 });
  const states: ConnectionState[] = [];
  client.state$.subscribe((state) => states.push(state));
  const session = client.session({ agentId: 'stress', userName: 'Faults', supports: ['identity_form'] });
  const infos: string[] = [];
  session.info$.subscribe((info) => infos.push(info.sessionId));
  const points = new Tally();
  const failures: string[] = [];
  const fail = (turn: number, what: string): void => {
    if (failures.length < 20) failures.push(`seed ${random.seed}, turn ${turn}: ${what}`);
  };

  for (let i = 1; i <= turns; i++) {
    const point: Point = random.pick(['before-ack', 'mid-stream', 'parked'] as const);
    const mode = random.pick(MODES);
    points.add(`${point} / ${mode.kind === 'terminate' ? 'terminate' : mode.code}`);
    const tokens = random.int(point === 'parked' ? 0 : 1, 6);
    const ask = point === 'parked' ? random.pick(['write', 'interaction'] as const) : undefined;
    server.plan = { ack: point !== 'before-ack', tokens, ask };
    // Dropped where the client has seen what it should have: the ack and `dropAt` events, or the ask.
    const dropAt = point === 'mid-stream' ? random.int(1, 1 + tokens) : 1 + tokens + 1;
    server.onTurn = point === 'before-ack' ? () => server.drop(mode) : undefined;
    const events: TurnEvent[] = [];
    const outcome = await new Promise<unknown>((resolve) => {
      session.turn(`turn ${i}`).subscribe({
        next: (event) => {
          events.push(event);
          if (events.length === dropAt) server.drop(mode);
        },
        error: resolve,
        complete: () => resolve(new Error('completed')),
      });
    });
    if (!(outcome instanceof SmoothConnectionLostError)) {
      fail(i, `${point}: ended with ${String(outcome)}, not SmoothConnectionLostError`);
    } else {
      if (outcome.retryable !== true) fail(i, 'not retryable');
      if (mode.kind === 'close' && (outcome.code !== 'CONNECTION_CLOSED' || outcome.closeCode !== mode.code)) fail(i, `closed with ${mode.code}, error says ${outcome.code} ${outcome.closeCode}`);
      if (mode.kind === 'terminate' && !(outcome.code === 'CONNECTION_ERROR' || outcome.closeCode === 1006)) fail(i, `torn down, error says ${outcome.code} ${outcome.closeCode}`);
      const parkedOn = events.find((e) => e.type === 'write_confirmation_required' || e.type === 'interaction_required');
      if (point === 'parked' && (outcome.pendingAsk === undefined || outcome.pendingAsk !== parkedOn)) fail(i, `parked on ${parkedOn?.type}, pendingAsk ${outcome.pendingAsk?.type}`);
      if (point !== 'parked' && outcome.pendingAsk !== undefined) fail(i, `not parked, pendingAsk ${outcome.pendingAsk.type}`);
    }
    if (point === 'before-ack' && events.length !== 0) fail(i, `${events.length} events before the ack`);
    // Reconnected by itself (the handle holds the connection), before anything asks for it.
    await firstValueFrom(client.state$.pipe(filter((s) => s.status === 'open' || s.status === 'closed')));
    if (server.connections !== i + 1) fail(i, `${server.connections} connections after ${i} drops`);
  }
  server.onTurn = undefined;

  // Every turn ran on the session of its socket: created first, then resumed after each drop.
  const conversationId = server.creates[0] !== undefined ? server.sessions.get('session-1') : undefined;
  if (server.creates.length !== turns) failures.push(`${server.creates.length} create_conversation_session for ${turns} turns`);
  server.creates.forEach((create, n) => {
    if (n === 0 ? create.conversationId !== undefined : create.conversationId !== conversationId) fail(n + 1, `created with conversationId ${create.conversationId}`);
    if (n > 0 && JSON.stringify(create.supports) !== JSON.stringify(['identity_form'])) fail(n + 1, `resumed without supports (${JSON.stringify(create.supports)})`);
  });
  server.turnSessions.forEach((sessionId, n) => {
    if (sessionId !== `session-${n + 1}`) fail(n + 1, `turn sent on ${sessionId}, want session-${n + 1}`);
  });
  if (new Set(infos).size !== turns || infos.length !== turns) failures.push(`info$ emitted ${infos.length} sessions (${new Set(infos).size} distinct) for ${turns} turns`);
  const reconnects = states.filter((s) => s.status === 'reconnecting').length;
  if (reconnects < turns) failures.push(`${reconnects} reconnecting states for ${turns} drops`);
  if (states.some((s) => s.status === 'closed')) failures.push(`closed on the way: ${JSON.stringify(states.find((s) => s.status === 'closed'))}`);

  session.close();
  client.close();
  await server.close();
  return { turns, connections: server.connections, reconnects, seconds: (Date.now() - started) / 1000, points, failures };
}
