/**
 * Fault knobs of a running mock server (`server.faults`): network and server failures a test
 * turns on and off while clients are connected. Every knob is off until a test sets it, so a
 * server nobody touches answers exactly as without them.
 */
import { STATUS_CODES } from 'node:http';

/** How a socket is closed: with a close handshake carrying `code`, or (no code) torn down abruptly. */
export interface MockCloseOptions {
  /**
   * The close code sent to the client: 1000, 1001–1014 (not 1004–1006), or 3000–4999 (e.g. 4001
   * for an authentication failure clients must not retry).
   *
   * @default undefined (no close handshake: the TCP socket is destroyed and clients see 1006)
   */
  readonly code?: number;
  /**
   * The close reason (with `code` only; at most 123 bytes of UTF-8).
   *
   * @default ''
   */
  readonly reason?: string;
}

/** How refused handshakes are answered. */
export interface MockRefuseOptions {
  /**
   * The HTTP status of the refusal (400–599), sent instead of the `101 Switching Protocols`.
   *
   * @default 503
   */
  readonly status?: number;
  /**
   * Refuse after the upgrade instead: the handshake completes, then the server closes the socket
   * at once with this code and reason, as servers that authenticate an open socket do (e.g.
   * `{ code: 4001, reason: 'Unauthorized' }`). Such connections count in `connectionCount()`.
   * `status` is then unused.
   *
   * @default undefined (refused with the HTTP `status`)
   */
  readonly close?: { readonly code: number; readonly reason?: string };
}

/** A refusal due for the handshake at hand: an HTTP response to write, or a close right after the upgrade. */
export type Refusal = { readonly http: string } | { readonly close: { readonly code: number; readonly reason: string } };

/** Options of {@link MockFaultControls.restart}. */
export interface MockRestartOptions {
  /**
   * Forget every conversation and its history as well, as a server that keeps them in memory
   * does on a restart.
   *
   * @default false (conversations and history persist; only sessions are forgotten)
   */
  readonly forgetConversations?: boolean;
}

/** What the knobs have done so far. */
export interface MockFaultStats {
  /** Upgrade requests refused by {@link MockFaultControls.refuseHandshakes} (either way). */
  readonly refusedHandshakes: number;
  /** Upgrade requests left unanswered by {@link MockFaultControls.stallUpgrades}. */
  readonly stalledHandshakes: number;
  /** `ping` actions left unanswered by {@link MockFaultControls.stopPongs}. */
  readonly ignoredPings: number;
}

/**
 * Failure injection at run time, on the handle `startMockServer` resolves to (`server.faults`).
 * Unlike the `faults` start option (fixed per server), these are armed and disarmed while clients
 * are connected, e.g. from inside a turn's subscriber. Conversations, sessions and turns follow
 * real servers throughout: sessions are not bound to a socket (a session runs turns on any
 * connection, and a resume on a new socket is `create_conversation_session` with the same
 * `conversationId`, minting a new `sessionId`), while a turn, parked or running, dies with its
 * socket (the user message stays stored, no reply is written).
 */
export interface MockFaultControls {
  /**
   * The next turn the server accepts (server-wide, on any connection) closes its socket in place
   * of its `n`-th event: events are counted from 1 as for the `faults` start option (the 202 ack,
   * stream frames, HITL and OTP prompts, the `eventual_response`), so `1` closes it on receipt of
   * the `send_message` (the user message is stored, no ack is sent). The socket is closed as
   * `options` say: abruptly by default (1006), or with a close handshake and `code`. One-shot: the
   * knob is spent by that turn, also when it has fewer than `n` events (it then ends normally).
   * Arming it again replaces a knob no turn has taken yet.
   *
   * @throws RangeError for an `n` that is not a positive integer or an invalid close code.
   */
  dropAtEvent(n: number, options?: MockCloseOptions): void;
  /**
   * Refuses the next `m` WebSocket upgrade requests with an HTTP error (`options.status`, 503 by
   * default) and no upgrade, as a server that is starting up or overloaded does; clients see a
   * failed handshake. With `options.close`, each is upgraded and closed at once with that code
   * instead (clients see an open socket, then the close). Counted in {@link MockFaultStats.refusedHandshakes}; `0` cancels the
   * refusals still pending. Connections already open are untouched.
   *
   * @throws RangeError for an `m` that is not a non-negative integer, a status outside 400–599 or an invalid close code.
   */
  refuseHandshakes(m: number, options?: MockRefuseOptions): void;
  /**
   * Closes every open connection now, with a close handshake carrying `code` and `reason` (e.g.
   * 1001 going away, 1012 service restart, 4001 unauthorized). Turns on them die (as on any
   * disconnect); sessions and conversations stay, and the server accepts new connections at once.
   * Half-open connections ({@link halfOpen}) are left as they are: nothing reaches their clients.
   *
   * @throws RangeError for an invalid close code.
   */
  closeAll(code: number, reason?: string): void;
  /**
   * While on, the server accepts TCP connections and reads their upgrade request but never
   * answers it, as a wedged proxy or server does: clients hang in the handshake until they give
   * up. Counted in {@link MockFaultStats.stalledHandshakes}. Turning it off answers new requests
   * again; those already stalled stay unanswered until their client goes away, `restart()` or
   * `close()`.
   */
  stallUpgrades(on: boolean): void;
  /**
   * While on, `ping` actions get no `pong` (they are still recorded in `received`, counted in
   * {@link MockFaultStats.ignoredPings}); every other action is answered as usual, so only a
   * client's heartbeat can tell. Applies to every connection, open now or later.
   */
  stopPongs(on: boolean): void;
  /**
   * Every connection open now goes half-open, as behind a NAT or proxy that died: the TCP socket
   * stays up, but the server stops sending and stops reading (the socket is paused, so neither
   * actions nor a client's close handshake get through). A turn on it runs on server-side, its
   * frames lost, as on a real server that has not noticed. Only the client's heartbeat can tell;
   * the server keeps the socket until `close()`. Connections made afterwards are healthy.
   */
  halfOpen(): void;
  /**
   * A server restart on the same port: every turn dies, every open connection is closed with 1000
   * (what real servers send on shutdown), handshakes in progress (stalled ones included) are cut,
   * and every session is forgotten (`SESSION_NOT_FOUND` for an old `sessionId`, parks and OTP
   * verification gone). Conversations and their history persist, as a real server's store does:
   * `create_conversation_session` with the same `conversationId` resumes them under a new
   * `sessionId`, and each goes on with the script where it was. With `forgetConversations`, they
   * are gone too, as on a server that keeps them in memory: a resume is then answered like a new
   * session, with a different, fresh `conversationId` and no error (what reference servers do
   * with an id they do not know), and that conversation plays the script from its start. Knobs
   * keep their settings. Resolves once the closed sockets are gone (a client that does not answer
   * the close handshake is cut after a second).
   */
  restart(options?: MockRestartOptions): Promise<void>;
  /** Turns every knob off: pending drop and refusals cleared, upgrades and pongs answered again. Half-open connections stay dead. */
  reset(): void;
  /** What the knobs have done so far. */
  stats(): MockFaultStats;
}

/** A drop armed by `dropAtEvent`: the 1-based event it replaces and how the socket closes. */
export interface ArmedDrop {
  readonly at: number;
  readonly code: number | undefined;
  readonly reason: string;
}

/** The knob settings, read by the server (handshakes), connections (pings) and turns (drops). */
export class FaultState {
  private drop: ArmedDrop | undefined;
  private refusals = 0;
  private refusal: Refusal = { http: httpRefusal(503) };
  stalled = false;
  pongsStopped = false;
  readonly counts = { refusedHandshakes: 0, stalledHandshakes: 0, ignoredPings: 0 };

  armDrop(n: number, options: MockCloseOptions = {}): void {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`dropAtEvent: n must be a positive integer (got ${String(n)})`);
    if (options.code !== undefined) checkClose(options.code, options.reason ?? '', 'dropAtEvent');
    this.drop = { at: n, code: options.code, reason: options.reason ?? '' };
  }

  /** The armed drop, for the turn being accepted; spent by it. */
  takeDrop(): ArmedDrop | undefined {
    const drop = this.drop;
    this.drop = undefined;
    return drop;
  }

  armRefusals(m: number, options: MockRefuseOptions = {}): void {
    if (!Number.isInteger(m) || m < 0) throw new RangeError(`refuseHandshakes: m must be a non-negative integer (got ${String(m)})`);
    const status = options.status ?? 503;
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new RangeError(`refuseHandshakes: status must be 400–599 (got ${String(status)})`);
    const close = options.close;
    if (close !== undefined) checkClose(close.code, close.reason ?? '', 'refuseHandshakes');
    this.refusals = m;
    this.refusal = close === undefined ? { http: httpRefusal(status) } : { close: { code: close.code, reason: close.reason ?? '' } };
  }

  /** How to refuse this handshake, when a refusal is due; counted. */
  takeRefusal(): Refusal | undefined {
    if (this.refusals === 0) return undefined;
    this.refusals -= 1;
    this.counts.refusedHandshakes += 1;
    return this.refusal;
  }

  reset(): void {
    this.drop = undefined;
    this.refusals = 0;
    this.stalled = false;
    this.pongsStopped = false;
  }
}

/**
 * Throws unless `code` and `reason` fit in a close frame (RFC 6455 7.4, as `ws` enforces it), so
 * a test learns of a bad knob where it sets it, not from a socket error later.
 */
export function checkClose(code: number, reason: string, knob: string): void {
  const valid = Number.isInteger(code) && ((code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999));
  if (!valid) throw new RangeError(`${knob}: ${String(code)} is not a close code a server may send`);
  if (Buffer.byteLength(reason) > 123) throw new RangeError(`${knob}: a close reason is at most 123 bytes`);
}

/** An HTTP error response ending a refused handshake, shaped like the ones `ws` sends. */
function httpRefusal(status: number): string {
  const body = STATUS_CODES[status] ?? 'Refused';
  return `HTTP/1.1 ${status} ${body}\r\nConnection: close\r\nContent-Type: text/html\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}
