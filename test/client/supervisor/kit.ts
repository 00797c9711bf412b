import { VirtualTimeScheduler, type Observable } from 'rxjs';
import { createSmoothClient, type SmoothClient } from '../../../src/client/client.js';
import type { ConnectionState } from '../../../src/client/connection.js';
import type { SmoothClientOptions } from '../../../src/client/options.js';
import type { Diagnostic } from '../../../src/client/diagnostics.js';
import type { ClientAction } from '../../../src/generated/types.js';
import { FakeSockets, type FakeWebSocket } from '../../../src/testing/fake-socket.js';
import { conversationListData, messagesPageData, pongFrame } from '../../../src/testing/frames.js';
import { ack, ok, session } from '../../fixtures/events.js';

/**
 * Virtual time the test steps by hand. `actions` lists what is still scheduled, which is how the
 * tests see a timer the supervisor forgot to cancel.
 */
export class Clock extends VirtualTimeScheduler {
  /** Runs everything due up to now + ms, and leaves the clock at exactly now + ms. */
  advance(ms: number): void {
    const to = this.frame + ms;
    this.maxFrames = to;
    this.flush();
    this.frame = to;
  }
}

/** How the fake server answers: by default like a live one, 1 ms later; `silent` answers nothing (half-open). */
export interface FakeServer {
  silent: boolean;
  /** Per action, overrides the default answer: return frames to send 1 ms later (nothing: no answer). */
  script: ((action: ClientAction, socket: FakeWebSocket) => unknown[] | undefined) | undefined;
}

export interface Kit {
  clock: Clock;
  sockets: FakeSockets;
  server: FakeServer;
  client: SmoothClient;
  /** Every state$ value, stamped with the virtual time it was emitted at. */
  states: Array<ConnectionState & { at: number }>;
  diagnostics: Diagnostic[];
  /** The states in short: `connecting 1`, `open`, `reconnecting 2 (1006)`, `closed idle`. */
  story(): string[];
  /** The current status. */
  state(): ConnectionState['status'];
  /** The actions sent on socket `index`, as `action` names (heartbeat pings as `hb-ping`). */
  sentOn(index: number): string[];
  socket(index: number): FakeWebSocket;
}

/** A client over fake sockets that open only when the test says so, on a clock the test steps. */
export function kit(options: Partial<SmoothClientOptions> = {}): Kit {
  const clock = new Clock();
  const server: FakeServer = { silent: false, script: undefined };
  const sockets = new FakeSockets({
    autoOpen: false,
    onAction: (action, socket) => {
      if (server.silent) return;
      const frames = server.script?.(action, socket) ?? defaultAnswer(action);
      for (const frame of frames) {
        clock.schedule(() => {
          if (socket.readyState === 1) socket.receive(frame);
        }, 1);
      }
    },
  });
  const states: Kit['states'] = [];
  const diagnostics: Diagnostic[] = [];
  const client = createSmoothClient({ url: 'ws://test/ws', webSocketImpl: sockets.WebSocket, scheduler: clock, requestTimeoutMs: 0, turnTimeoutMs: 0, ...options });
  client.state$.subscribe((state) => states.push({ ...state, at: clock.now() }));
  client.diagnostics$.subscribe((d) => diagnostics.push(d));
  const socket = (index: number): FakeWebSocket => {
    const s = sockets.all[index];
    if (s === undefined) throw new Error(`no socket ${index} (${sockets.all.length} opened)`);
    return s;
  };
  return {
    clock,
    sockets,
    server,
    client,
    states,
    diagnostics,
    story: () => states.map(short),
    state: () => states[states.length - 1]?.status ?? 'idle',
    sentOn: (index) => socket(index).sent.map((a) => (a.action === 'ping' && a.requestId.includes('-hb-') ? 'hb-ping' : a.action)),
    socket,
  };
}

function defaultAnswer(action: ClientAction): unknown[] {
  switch (action.action) {
    case 'get_session':
    case 'create_conversation_session':
      return [ok(action.requestId, session())];
    case 'get_conversation_messages':
      return [ok(action.requestId, { ...messagesPageData() })];
    case 'list_conversations':
      return [ok(action.requestId, { ...conversationListData() })];
    case 'ping':
      return [pongFrame(action.requestId)];
    case 'send_message':
      return [ack(action.requestId)];
    default:
      return [];
  }
}

function short(state: ConnectionState): string {
  switch (state.status) {
    case 'connecting':
      return `connecting ${state.attempt}`;
    case 'reconnecting':
      return `reconnecting ${state.attempt}${state.closeCode === undefined ? '' : ` (${state.closeCode})`}`;
    case 'closed':
      return `closed ${state.why}${state.closeCode === undefined ? '' : ` (${state.closeCode})`}`;
    default:
      return state.status;
  }
}

/** For subscriptions whose outcome a test does not look at: an error must not escape as unhandled. */
export const quietly = { error: (): void => undefined };

/** Collects what an Observable did, for assertions after the clock moved. */
export interface Outcome<T> {
  values: T[];
  error: unknown;
  completed: boolean;
}

export function watch<T>(source: Observable<T>): Outcome<T> {
  const outcome: Outcome<T> = { values: [], error: undefined, completed: false };
  source.subscribe({ next: (v) => outcome.values.push(v), error: (e) => (outcome.error = e), complete: () => (outcome.completed = true) });
  return outcome;
}
