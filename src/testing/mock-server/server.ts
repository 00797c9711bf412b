/** `startMockServer`: a real WebSocket server speaking the smooth-operator protocol on loopback. */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { ClientActionName, ClientActionOf } from '../../generated/types.js';
import { validateAction } from '../../validation/validate.js';
import { MockConnection } from './connection.js';
import type { ServerContext } from './context.js';
import { checkClose, FaultState, type MockFaultControls } from './faults.js';
import { ScriptedModel } from './model.js';
import { type MockServerOptions, resolveOptions } from './options.js';
import { SessionStore } from './session-store.js';
import type { Turn } from './turn-runner.js';

/** A client frame the server parsed (unparseable frames are not recorded). */
export interface ReceivedFrame {
  /** Index of the connection it arrived on (0-based, in handshake order). */
  readonly connection: number;
  /** Its `action` when it had a string one. */
  readonly action: string | undefined;
  /** The parsed JSON. */
  readonly frame: unknown;
}

/** Handshake headers of a connection, as Node parsed them (lower-case names). */
export type HandshakeHeaders = Readonly<Record<string, string | string[] | undefined>>;

export interface MockServer {
  /** `ws://127.0.0.1:PORT/ws` (host and path as configured). */
  readonly url: string;
  readonly port: number;
  /** Every parsed client frame, in arrival order (a live array); `frame` is as sent, unchecked. */
  readonly received: readonly ReceivedFrame[];
  /**
   * The frames of one action the server received, typed, in arrival order: those that passed the
   * protocol's validation (a frame the server answered with `VALIDATION_ERROR` is in `received`
   * only).
   *
   * @example
   * const [confirm] = server.receivedActions('confirm_tool_action');
   * expect(confirm?.approved).toBe(false);
   */
  receivedActions<K extends ClientActionName>(action: K): Array<ClientActionOf<K>>;
  /** Connections that completed the WebSocket handshake so far, rejected ones included. */
  connectionCount(): number;
  /** Connections closed with 4001 for a missing or wrong `?token=`. */
  rejectedConnectionCount(): number;
  /** Connections currently open. */
  openConnectionCount(): number;
  /** The handshake headers of connection `connectionIndex`; throws for an unknown index. */
  headers(connectionIndex: number): HandshakeHeaders;
  /** Terminates every socket abruptly (no close handshake; clients see 1006). The server keeps listening. */
  dropConnections(): void;
  /** Fault knobs to turn on and off while clients are connected: see {@link MockFaultControls}. */
  readonly faults: MockFaultControls;
  /**
   * Stops listening and ends every socket: abruptly by default (clients see 1006), or with a
   * close handshake when `code` is given (a shutdown: `{ code: 1001, reason: 'going away' }`),
   * cutting a client that does not answer within `graceMs` (1 s). Idempotent.
   */
  close(options?: { readonly code: number; readonly reason?: string; readonly graceMs?: number }): Promise<void>;
}

/**
 * Starts a mock smooth-operator server on loopback, driven by a scripted model. Node only (import
 * it from `smooth-operator-rx/testing/server`). Rejects with Node's listen error, `code` kept
 * (e.g. `EADDRINUSE` for a port in use), when it cannot listen; nothing is left open then.
 *
 * @example
 * const server = await startMockServer({ script: [{ kind: 'text', text: 'Hello!' }] });
 * const socket = new WebSocket(server.url);
 * // ... create_conversation_session, send_message ...
 * await server.close();
 */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const resolved = resolveOptions(options);
  let turnIndex = 0;
  const ctx: ServerContext = {
    options: resolved,
    store: new SessionStore(resolved.agentName, resolved.otp.maxAttempts),
    model: new ScriptedModel(resolved.script),
    faults: new FaultState(),
    turns: new Set<Turn>(),
    nextTurnIndex: () => turnIndex++,
  };
  const received: ReceivedFrame[] = [];
  const headers: HandshakeHeaders[] = [];
  const sockets = new Set<WebSocket>();
  const connections = new Set<MockConnection>();
  /** Upgrade requests left unanswered by `stallUpgrades`. */
  const stalled = new Set<Duplex>();
  let rejected = 0;

  // Our own HTTP server, so close() can also end connections that never finished (or began) a
  // WebSocket handshake: ws only knows sockets that did, and would wait for the others.
  const http = createServer((_request, response) => response.writeHead(426, { connection: 'close' }).end('Upgrade Required'));
  const tcpSockets = new Set<Socket>();
  http.on('connection', (socket: Socket) => {
    tcpSockets.add(socket);
    socket.on('close', () => tcpSockets.delete(socket));
  });
  // Listen before ws attaches: ws re-emits the server's errors on itself, so a listen error (a port
  // in use) would be thrown as an unhandled 'error' event instead of rejecting this promise. A
  // server that never listened holds no handle, so there is nothing to clean up on that path.
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(resolved.port, resolved.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  // Upgrades are routed here rather than by ws itself, so the handshake knobs can refuse or stall
  // one before ws sees it; the rest goes to ws exactly as with its `server` option.
  const wss = new WebSocketServer({ noServer: true, path: resolved.path });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const refusal = ctx.faults.takeRefusal();
    if ((refusal !== undefined && 'http' in refusal) || ctx.faults.stalled) socket.on('error', () => socket.destroy());
    if (refusal !== undefined && 'http' in refusal) {
      socket.once('finish', () => socket.destroy());
      socket.end(refusal.http);
      return;
    }
    if (ctx.faults.stalled) {
      ctx.faults.counts.stalledHandshakes += 1;
      stalled.add(socket);
      socket.once('close', () => stalled.delete(socket));
      return;
    }
    const closeAtOnce = refusal !== undefined && 'close' in refusal ? refusal.close : undefined;
    wss.handleUpgrade(request, socket, head, (ws) => onConnection(ws, request, socket, closeAtOnce));
  };
  http.on('upgrade', onUpgrade);
  // An error after start-up (e.g. a socket error surfacing on the server) must not crash the host.
  http.on('error', () => undefined);
  wss.on('error', () => undefined);

  const record = (connection: number, frame: unknown): void => {
    const action = typeof frame === 'object' && frame !== null ? (frame as { action?: unknown }).action : undefined;
    received.push({ connection, action: typeof action === 'string' ? action : undefined, frame });
  };

  const onConnection = (socket: WebSocket, request: IncomingMessage, tcp: Duplex, closeAtOnce?: { code: number; reason: string }): void => {
    const index = headers.length;
    headers.push({ ...request.headers });
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.terminate());
    if (closeAtOnce !== undefined) {
      socket.close(closeAtOnce.code, closeAtOnce.reason);
      return;
    }
    if (resolved.token !== undefined) {
      const token = new URL(request.url ?? '/', 'http://mock.invalid').searchParams.get('token');
      if (token !== resolved.token) {
        rejected += 1;
        socket.close(4001, 'Unauthorized');
        return;
      }
    }
    const connection = new MockConnection(index, socket, tcp, ctx, record);
    connections.add(connection);
    socket.on('message', (data: RawData) => connection.receive(rawText(data)));
    socket.on('close', () => {
      connections.delete(connection);
      connection.closed();
    });
  };

  const { port } = http.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  const dropConnections = (): void => {
    for (const socket of sockets) socket.terminate();
  };
  const live = (): MockConnection[] => [...connections].filter((c) => !c.halfOpen);
  const faults: MockFaultControls = {
    dropAtEvent: (n, options) => ctx.faults.armDrop(n, options),
    refuseHandshakes: (m, options) => ctx.faults.armRefusals(m, options),
    closeAll: (code, reason = '') => {
      checkClose(code, reason, 'closeAll');
      for (const connection of live()) connection.close(code, reason);
    },
    stallUpgrades: (on) => {
      ctx.faults.stalled = on;
    },
    stopPongs: (on) => {
      ctx.faults.pongsStopped = on;
    },
    halfOpen: () => {
      for (const connection of connections) connection.goHalfOpen();
    },
    restart: async (options = {}) => {
      // Sessions go first: a client reconnecting while the sockets close must not find its old one.
      ctx.store.forgetSessions();
      if (options.forgetConversations === true) ctx.store.forgetConversations();
      for (const turn of ctx.turns) turn.abort();
      for (const socket of stalled) socket.destroy();
      await Promise.all(live().map((c) => c.closeAndWait(1000, 'server restart', RESTART_GRACE_MS)));
    },
    reset: () => ctx.faults.reset(),
    stats: () => ({ ...ctx.faults.counts }),
  };

  return {
    url: `ws://${resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host}:${port}${resolved.path}`,
    port,
    received,
    receivedActions: <K extends ClientActionName>(action: K) =>
      received.flatMap((r) => {
        if (r.action !== action) return [];
        const verdict = validateAction(r.frame);
        return verdict.valid ? [verdict.value as ClientActionOf<K>] : [];
      }),
    connectionCount: () => headers.length,
    rejectedConnectionCount: () => rejected,
    openConnectionCount: () => [...sockets].filter((s) => s.readyState === s.OPEN).length,
    headers: (connectionIndex) => {
      const found = headers[connectionIndex];
      if (found === undefined) throw new RangeError(`no connection ${connectionIndex} (${headers.length} so far)`);
      return found;
    },
    dropConnections,
    faults,
    close: (options) => {
      if (closing !== undefined) return closing;
      const stop = (): Promise<void> =>
        new Promise<void>((resolve, reject) => {
          http.off('upgrade', onUpgrade);
          for (const turn of ctx.turns) turn.abort();
          dropConnections();
          wss.close();
          for (const socket of tcpSockets) socket.destroy();
          http.close((error) => (error === undefined ? resolve() : reject(error)));
        });
      if (options === undefined) return (closing = stop());
      const { code, reason = '', graceMs = RESTART_GRACE_MS } = options;
      checkClose(code, reason, 'close');
      http.off('upgrade', onUpgrade);
      closing = Promise.all(live().map((c) => c.closeAndWait(code, reason, graceMs))).then(stop);
      return closing;
    },
  };
}

/** How long `restart()` waits for a client to answer its close before cutting the socket. */
const RESTART_GRACE_MS = 1000;

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
