import { BehaviorSubject, Observable, Subject, EmptyError, type Subscription } from 'rxjs';
import type { ClientAction } from '../generated/types.js';
import { SmoothConnectionError, SmoothConnectionLostError, SmoothInvalidActionError, type SmoothError } from '../errors.js';
import type { Diagnostic } from './diagnostics.js';
import { resolveEndpoint, staticEndpoint } from './endpoint.js';
import { Heartbeat, heartbeatPingId } from './heartbeat.js';
import { refusesCredentials, type ResolvedOptions } from './options.js';
import { Router, type Route } from './router.js';
import { createWebSocketCtor } from './socket.js';
import { Transport, type CloseInfo } from './transport.js';
import { endpointOf, redact } from './url.js';
import { listenForWake } from './wake.js';

export type { Route } from './router.js';

/** Why the connection is `closed`. */
export type ClosedWhy =
  /** `client.close()`. */
  | 'client'
  /** Nothing needed the open socket for `lazyCloseTimeoutMs`: the client closed it; the next use reconnects. */
  | 'idle'
  /**
   * The socket went away, or an attempt failed, and nothing needs the connection any more (also
   * when the last caller gives up during the back-off wait or the handshake): the next use reconnects.
   */
  | 'lost'
  /**
   * A close retrying cannot fix (close code 1008), a URL that does not parse (`INVALID_URL`), or
   * `shouldRetry` said no (by default, to refused credentials: 4001, 4003, HTTP 401 or 403).
   */
  | 'fatal'
  /** `retryAttempts` reconnects in a row failed. */
  | 'retries-exhausted';

/**
 * Where the connection is, as plain data (`status` discriminates):
 * - `idle`: nothing has been sent yet;
 * - `connecting`: handshake of attempt `attempt` (1 on first use, counting up while reconnecting,
 *   from 1 again after a socket that opened and delivered a frame to a caller);
 * - `open`: the socket is up;
 * - `closing`: the client is closing it;
 * - `reconnecting`: the socket went away (`closeCode`, `reason`) while needed; attempt `attempt` starts in `delayMs`;
 * - `closed`: see {@link ClosedWhy}; with the close code and reason of the socket, if any.
 */
export type ConnectionState =
  | { readonly status: 'idle' }
  | { readonly status: 'connecting'; readonly attempt: number }
  | { readonly status: 'open' }
  | { readonly status: 'closing' }
  | { readonly status: 'reconnecting'; readonly attempt: number; readonly delayMs: number; readonly closeCode: number | undefined; readonly reason: string | undefined }
  | { readonly status: 'closed'; readonly why: ClosedWhy; readonly closeCode: number | undefined; readonly reason: string | undefined };

export type ConnectionStatus = ConnectionState['status'];

/** Close codes that retrying cannot fix, whatever `shouldRetry` says: policy violation. */
const FATAL_CLOSE_CODES = new Set([1008]);
/** Refused credentials, as a close code or as the HTTP answer to the upgrade. */
/** Our close of a socket that stopped answering heartbeats. */
const HEARTBEAT_CLOSE = { code: 4000, reason: 'heartbeat timeout' };

/**
 * The client's connection, and its supervisor: one socket at a time (a {@link Transport}) shared
 * by every request and turn, with one {@link Router} for what comes in. It opens lazily, holds
 * sends in a bounded outbox until the socket is open, reconnects with back-off while something
 * needs it, detects dead sockets (handshake timeout, heartbeat), closes an idle socket, and
 * decides what a lost socket means to everything in flight: turns and non-idempotent requests
 * fail, idempotent requests are re-sent.
 */
export class Connection {
  private readonly stateSubject = new BehaviorSubject<ConnectionState>({ status: 'idle' });
  private readonly diagnosticsSubject = new Subject<Diagnostic>();
  /** The current state, then every change; after close() it replays the closed state and completes. */
  readonly state$: Observable<ConnectionState> = new Observable<ConnectionState>((subscriber) => {
    if (!this.closedByClient) return this.stateSubject.subscribe(subscriber);
    subscriber.next(this.stateSubject.value);
    subscriber.complete();
    return undefined;
  });
  readonly diagnostics$: Observable<Diagnostic> = this.diagnosticsSubject.asObservable();

  readonly router = new Router(this);
  private transport: Transport | undefined;
  private transportOpen = false;
  /** Frames waiting for an open socket, in send order, with the requestId each belongs to. */
  private outbox: QueuedFrame[] = [];
  /** Serialized idempotent requests, re-sent on the next socket when theirs is lost. */
  private readonly resendable = new Map<string, string>();
  /** Attempts since the last socket that proved itself (or since a fresh start): what `state$` numbers. */
  private attempts = 0;
  /** Reconnect attempts scheduled since then: what `retryAttempts` bounds (a first use's own attempt is not one). */
  private reconnects = 0;
  /** The back-off before the last reconnect since then, for `retryDelay`. */
  private lastDelayMs = 0;
  /**
   * Frames delivered to callers when the current socket opened: a socket that delivered nothing
   * (not even a pong) has not proved itself, however much junk it sent, and does not reset the
   * retry budget.
   */
  private deliveredAtOpen = 0;
  /** Session handles and other holders that keep the connection wanted while nothing is in flight. */
  private holds = 0;
  private closedByClient = false;
  /** Why we are closing the current socket ourselves, if we are. */
  private dropping: { why: 'idle' } | { why: 'dead'; close: CloseInfo } | undefined;
  private retryTimer: Subscription | undefined;
  /** The url and token functions of the current attempt, while they run. */
  private resolving: Subscription | undefined;
  private connectTimer: Subscription | undefined;
  private lazyCloseTimer: Subscription | undefined;
  /** Made on the first open, if the heartbeat is on. */
  private heartbeat: Heartbeat | undefined;
  private removeWakeListeners: (() => void) | undefined;
  private idCounter = 0;
  /** The token of the current socket, to redact from diagnostics. */
  private token: string | undefined;
  /** The URL (token included) the current attempt dialled. */
  private endpoint: string | undefined;
  /**
   * While a give-up fails what waits: what starts in reaction (the next queued turn, a session's
   * next turn, a synchronous retry) fails with it instead of starting a new round of attempts.
   */
  private givingUp: (() => SmoothError) | undefined;
  private socketsOpened = 0;
  /** While a Transport is being made: one that ends then was refused by the WebSocket constructor. */
  private constructing = false;
  // Unique in the process (a counter: turns are found by requestId across clients, see turnOf)
  // and unlikely to repeat across processes talking to one server (the random part).
  private readonly idPrefix = `rx-${(++connectionsMade).toString(36)}${Math.random().toString(36).slice(2, 8)}`;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly credentials: Credentials = { refused: undefined },
  ) {}

  /** How many sockets have opened so far: a session created on an earlier one is resumed before its next use. */
  get generation(): number {
    return this.socketsOpened;
  }

  get state(): ConnectionState {
    return this.stateSubject.value;
  }

  nextRequestId(): string {
    return `${this.idPrefix}-${++this.idCounter}`;
  }

  register(requestId: string, route: Route, isPing = false): void {
    this.router.register(requestId, route, isPing);
    this.lazyCloseTimer?.unsubscribe();
    this.lazyCloseTimer = undefined;
    if (this.transportOpen) this.heartbeat?.arm();
  }

  unregister(requestId: string): void {
    this.router.unregister(requestId);
    this.resendable.delete(requestId);
    // A caller that gave up (timeout, unsubscribe) before the socket opened: its frame is not sent.
    this.withdraw(requestId);
    this.idleCheck();
  }

  /**
   * Takes back what `requestId` queued and has not been sent: whether there was anything. A turn
   * abandoned before its `send_message` left needs no cancel: the server never heard of it.
   */
  withdraw(requestId: string): boolean {
    const before = this.outbox.length;
    if (before > 0) this.outbox = this.outbox.filter((frame) => frame.requestId !== requestId);
    return this.outbox.length !== before;
  }

  /** Keeps the connection wanted (reconnected after a loss, not closed when idle) until released. */
  hold(): () => void {
    this.holds++;
    if (this.transportOpen) this.heartbeat?.arm();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.idleCheck();
    };
  }

  /**
   * Sends an action, opening the socket if needed; until it is open the frame waits in the
   * outbox. `resend`: an idempotent request, sent again on the next socket if this one is lost.
   * Throws SmoothInvalidActionError (nothing sent) or SmoothConnectionError (closed client, bad
   * URL, full outbox).
   */
  send(action: ClientAction, resend = false): void {
    if (this.closedByClient) throw new SmoothConnectionError('CLIENT_CLOSED', 'the client is closed');
    if (this.givingUp !== undefined) throw this.givingUp();
    if (this.options.validateOutgoing !== false) {
      const result = this.options.validateOutgoing(action);
      if (!result.valid) {
        throw new SmoothInvalidActionError(action, result.unknownType ? [{ path: '/action', rule: 'enum', message: `unknown action ${result.type}` }] : result.errors);
      }
    }
    // Serialized here, not inside the socket: a BigInt or a cycle in free-form metadata passes the
    // schema, and a throwing serializer would error the socket under every caller.
    let text: string;
    try {
      text = JSON.stringify(action);
    } catch (err) {
      throw new SmoothInvalidActionError(action, [{ path: '', rule: 'json', message: `not serializable as JSON: ${err instanceof Error ? err.message : 'unknown error'}` }]);
    }
    if (this.transportOpen && this.transport !== undefined) {
      if (resend) this.resendable.set(action.requestId, text);
      return this.transport.send(text);
    }
    // From the state, not from timers: a caller reacting to a state change (a state$ subscriber,
    // an error handler that retries) must join the attempt under way, not start a second one.
    const { status } = this.state;
    const idle = status === 'idle' || status === 'closed';
    // The action that starts an attempt always waits for it: with `maxQueuedActions: 0` nothing
    // waits behind it, rather than nothing ever connecting.
    if (!idle && this.outbox.length >= this.options.maxQueuedActions) {
      throw new SmoothConnectionError('OUTBOX_FULL', `${this.outbox.length} actions already wait for the connection`);
    }
    if (idle && this.credentials.refused !== undefined && staticEndpoint(this.options) === this.credentials.refused.endpoint) throw lostError(this.credentials.refused.cause, false);
    if (resend) this.resendable.set(action.requestId, text);
    this.outbox.push({ requestId: action.requestId, text });
    if (idle) this.start();
  }

  report(diagnostic: Diagnostic): void {
    // Diagnostics end up in logs: a server that echoes the token in a bad frame must not put it
    // there. Their texts are redacted (per bad frame, not per event); parsed frames stay as received.
    const token = this.token;
    if (token !== undefined && token !== '' && (diagnostic.message.includes(token) || (diagnostic.kind === 'unparseable-frame' && diagnostic.raw.includes(token)))) {
      diagnostic = { ...diagnostic, message: redact(diagnostic.message, token), ...(diagnostic.kind === 'unparseable-frame' ? { raw: redact(diagnostic.raw, token) } : {}) };
    }
    this.diagnosticsSubject.next(diagnostic);
  }

  /** Closes the socket with 1000 and fails everything in flight with CLIENT_CLOSED. Idempotent. */
  close(): void {
    if (this.closedByClient) return;
    this.closedByClient = true;
    this.stopTimers();
    this.resolving?.unsubscribe();
    this.resolving = undefined;
    const transport = this.transport;
    const wasOpen = this.transportOpen;
    this.transport = undefined;
    this.transportOpen = false;
    this.outbox = [];
    if (transport !== undefined && wasOpen) this.setState({ status: 'closing' });
    transport?.close(1000, 'client closed', wasOpen);
    this.router.failAll(new SmoothConnectionError('CLIENT_CLOSED', 'the client was closed'));
    this.setState({ status: 'closed', why: 'client', closeCode: wasOpen ? 1000 : undefined, reason: undefined });
    this.stateSubject.complete();
    this.diagnosticsSubject.complete();
  }

  // The supervisor ----------------------------------------------------------------------------

  get needed(): boolean {
    return this.holds > 0 || this.outbox.length > 0 || this.router.size > (this.heartbeat?.ping === undefined ? 0 : 1);
  }

  /** A first attempt after idle or closed: numbering and the retry budget start over. */
  private start(): void {
    this.restartRetries();
    this.attempt();
  }

  /**
   * The one place the retry budget, the attempt numbering and the back-off start over: on a
   * fresh start, and after a socket that proved itself. A give-up or an idle close need not: the
   * next use starts afresh.
   */
  private restartRetries(): void {
    this.attempts = 0;
    this.reconnects = 0;
    this.lastDelayMs = 0;
  }

  /**
   * One attempt: evaluates the url and token (functions may refresh them), then opens a socket.
   * The handshake timeout covers both, so a token function that never answers fails the attempt.
   */
  private attempt(): void {
    this.stopRetryTimer();
    if (this.closedByClient) return;
    this.attempts++;
    this.setState({ status: 'connecting', attempt: this.attempts });
    // A state$ subscriber may have closed the client.
    if (this.closedByClient) return;
    const { connectTimeoutMs, scheduler } = this.options;
    if (connectTimeoutMs > 0) {
      this.connectTimer = scheduler.schedule(() => {
        this.connectTimer = undefined;
        const close = { code: undefined, reason: `no handshake within ${connectTimeoutMs} ms` };
        if (this.transport !== undefined) return this.drop(close);
        this.resolving?.unsubscribe();
        this.resolving = undefined;
        this.lost(close);
      }, connectTimeoutMs);
    }
    const { url, token } = this.options;
    if (typeof url !== 'function' && typeof token !== 'function') {
      // Plain values, the common case: no Observable machinery per attempt.
      let endpoint: string;
      try {
        endpoint = endpointOf(url, token);
      } catch (err) {
        return this.giveUp('fatal', { code: undefined, reason: (err as Error).message }, err as SmoothError);
      }
      return this.openSocket(endpoint, token);
    }
    let resolved = false;
    const resolving = resolveEndpoint(url, token).subscribe({
      next: (endpoint) => {
        const { url, token } = endpoint;
        resolved = true;
        this.resolving = undefined;
        this.openSocket(url, token);
      },
      error: (err: unknown) => {
        resolved = true;
        this.resolving = undefined;
        // What waits learns INVALID_URL itself: no retry and no reconnect will fix it.
        if (err instanceof SmoothConnectionError && err.code === 'INVALID_URL') return this.giveUp('fatal', { code: undefined, reason: err.message }, err);
        // An Observable that completed empty fails the attempt like one that errored.
        const why = err instanceof EmptyError ? 'completed without a value' : err instanceof Error ? err.message : 'failed';
        this.lost({ code: undefined, reason: redact(`url or token: ${why}`, typeof this.options.token === 'string' ? this.options.token : undefined) });
      },
    });
    if (!resolved) this.resolving = resolving;
  }

  private openSocket(url: string, token: string | undefined): void {
    // Credentials the server refused are not offered again: a refreshed token may be.
    if (this.credentials.refused !== undefined && this.credentials.refused.endpoint === url) return this.giveUp('fatal', this.credentials.refused.cause);
    this.credentials.refused = undefined;
    this.token = token;
    this.endpoint = url;
    this.constructing = true;
    const transport = new Transport(
      { url, protocols: this.options.protocols, WebSocketCtor: createWebSocketCtor(this.options.webSocketImpl, this.options.headers), token, scheduler: this.options.scheduler },
      this,
    );
    this.constructing = false;
    if (!transport.ended) this.transport = transport;
  }

  // What the transport tells: this connection is its handlers (no closures per socket).

  socketOpened(transport: Transport): void {
    if (this.transport === transport) this.opened(transport);
  }

  socketClosing(): void {
    if (this.dropping === undefined) this.setState({ status: 'closing' });
  }

  socketMessage(data: unknown): void {
    this.router.receive(data);
  }

  socketClosed(close: CloseInfo, transport: Transport): void {
    // A constructor that throws ends its transport before `this.transport` is set: the
    // WebSocket rejected the URL or the protocols, which no retry can fix.
    if (this.constructing) return this.giveUp('fatal', close);
    if (this.transport === transport) this.lost(close);
  }

  private opened(transport: Transport): void {
    this.connectTimer?.unsubscribe();
    this.connectTimer = undefined;
    this.transportOpen = true;
    this.socketsOpened++;
    // The retry budget is not restored here but when this socket is lost having received
    // something: a server that accepts every socket and closes it at once would otherwise be
    // reconnected to for ever, at the shortest back-off.
    this.deliveredAtOpen = this.router.delivered;
    // The queue goes out before anyone hears of the open: a frame sent by a state$ subscriber
    // must not overtake frames that waited for this socket.
    const outbox = this.outbox;
    this.outbox = [];
    for (const frame of outbox) {
      if (this.transport !== transport) return;
      transport.send(frame.text);
    }
    if (this.transport !== transport) return;
    this.setState({ status: 'open' });
    if (this.transport !== transport || this.closedByClient) return;
    const { heartbeatIntervalMs, heartbeatTimeoutMs, scheduler } = this.options;
    if (heartbeatIntervalMs > 0) this.heartbeat ??= new Heartbeat(this, heartbeatIntervalMs, heartbeatTimeoutMs, scheduler);
    if (this.needed) this.heartbeat?.arm();
    this.idleCheck();
  }

  /** The current socket ended (a close, an error, our own drop), or an attempt failed before it had one. */
  private lost(close: CloseInfo): void {
    if (this.closedByClient) return;
    const wasOpen = this.transportOpen;
    const dropping = this.dropping;
    this.dropping = undefined;
    this.stopTimers();
    this.transport = undefined;
    this.transportOpen = false;
    if (dropping?.why === 'idle') {
      this.setState({ status: 'closed', why: 'idle', closeCode: close.code, reason: close.reason });
      // Something arrived while the idle socket was closing (unless a state$ subscriber's request
      // has started an attempt already): it waits in the outbox.
      if (this.needed && this.state.status === 'closed') this.start();
      return;
    }
    const cause = dropping?.why === 'dead' ? dropping.close : close;
    if (wasOpen && this.router.delivered !== this.deliveredAtOpen) this.restartRetries();
    // Callers hear of the loss last, once the supervisor is in its next state: one that starts
    // again from its error handler (retry(), the next queued turn) joins that state, its frame
    // queued, instead of racing a half-done transition.
    // What was sent on the lost socket: idempotent requests wait for the next socket, everything
    // else fails. A failed attempt sent nothing, so its queue waits for the next one intact.
    if (wasOpen) this.outbox = [...this.resendable].map(([requestId, text]) => ({ requestId, text }));
    const fail = (): void => (wasOpen ? this.router.failAll(lostError(cause), (requestId) => this.resendable.has(requestId)) : undefined);
    if ((cause.code !== undefined && FATAL_CLOSE_CODES.has(cause.code)) || !this.retryAllowed(cause)) return this.giveUp('fatal', cause);
    // What the loss leaves: the queue (re-sent requests included) and the holders.
    if (this.holds === 0 && this.outbox.length === 0) {
      this.setState({ status: 'closed', why: 'lost', closeCode: cause.code, reason: cause.reason });
      return fail();
    }
    if (this.reconnects >= this.options.retryAttempts) return this.giveUp('retries-exhausted', cause);
    this.reconnects++;
    const attempt = this.attempts + 1;
    const delayMs = this.retryDelay(attempt);
    // Armed before it is announced, so that a state$ subscriber's close() cancels it.
    this.retryTimer = this.options.scheduler.schedule(() => this.attempt(), delayMs);
    this.setState({ status: 'reconnecting', attempt, delayMs, closeCode: cause.code, reason: cause.reason });
    fail();
    // Still waiting (not closed, not given up for want of a caller): an early wake-up may shorten it.
    if (this.retryTimer !== undefined) this.removeWakeListeners = listenForWake(() => (this.retryTimer !== undefined ? this.attempt() : undefined));
  }

  /** The app's `retryDelay` (or full jitter); a result that is not a finite number ≥ 0 waits `0`. */
  private retryDelay(attempt: number): number {
    const delayMs = this.options.retryDelay(attempt, this.lastDelayMs);
    this.lastDelayMs = Number.isFinite(delayMs) && delayMs > 0 ? delayMs : 0;
    return this.lastDelayMs;
  }

  /** The app's `shouldRetry`; one that throws says no: a bug there must not wedge the client halfway through a loss. */
  private retryAllowed(cause: CloseInfo): boolean {
    try {
      return this.options.shouldRetry({ code: cause.code, reason: cause.reason, ...(cause.httpStatus !== undefined ? { httpStatus: cause.httpStatus } : {}) });
    } catch {
      return false;
    }
  }

  /**
   * Stops for good: everything waiting fails with `error` (by default the loss of `cause`), after
   * `state$` says `closed`, and so does what starts while they fail: a turn queued behind them
   * must not start its own round of attempts (or offer refused credentials again).
   */
  private giveUp(why: 'fatal' | 'retries-exhausted', cause: CloseInfo, error: SmoothError = lostError(cause, false)): void {
    this.stopTimers();
    this.outbox = [];
    this.resendable.clear();
    if (refusesCredentials(cause) && this.endpoint !== undefined) this.credentials.refused = { endpoint: this.endpoint, cause };
    this.setState({ status: 'closed', why, closeCode: cause.code, reason: cause.reason });
    const outer = this.givingUp;
    this.givingUp = error instanceof SmoothConnectionLostError ? () => lostError(cause, false) : () => error;
    try {
      this.router.failAll(error);
    } finally {
      this.givingUp = outer;
    }
  }

  /** Closes the current socket ourselves: it is dead (no handshake, no heartbeat answer). */
  private drop(close: CloseInfo): void {
    const transport = this.transport;
    if (transport === undefined) return;
    this.dropping = { why: 'dead', close };
    // Torn down, not closed with a handshake: a dead peer never answers one, and ws would keep
    // the socket (an active handle) for its 30 s closing timeout.
    transport.terminate(this.transportOpen ? HEARTBEAT_CLOSE.code : undefined, close.reason ?? HEARTBEAT_CLOSE.reason, this.transportOpen);
  }

  private idleCheck(): void {
    if (this.needed) return;
    // Armed again by the next request, turn or hold.
    this.heartbeat?.stop();
    // The last caller gave up during the handshake: a socket opened now would linger for nothing.
    if (!this.transportOpen && (this.transport !== undefined || this.resolving !== undefined)) {
      const transport = this.transport;
      this.transport = undefined;
      this.stopTimers();
      this.resolving?.unsubscribe();
      this.resolving = undefined;
      transport?.terminate(undefined, 'nothing needs the connection', false);
      return this.setState({ status: 'closed', why: 'lost', closeCode: undefined, reason: undefined });
    }
    // The last caller gave up during the back-off wait: nothing left to reconnect for.
    if (this.retryTimer !== undefined) {
      const waiting = this.state;
      this.stopTimers();
      const cause = waiting.status === 'reconnecting' ? waiting : { closeCode: undefined, reason: undefined };
      return this.setState({ status: 'closed', why: 'lost', closeCode: cause.closeCode, reason: cause.reason });
    }
    if (!this.transportOpen || this.lazyCloseTimer !== undefined) return;
    this.lazyCloseTimer = this.options.scheduler.schedule(() => {
      this.lazyCloseTimer = undefined;
      if (this.needed || this.transport === undefined) return;
      this.dropping = { why: 'idle' };
      this.transport.close(1000, 'idle', true);
    }, this.options.lazyCloseTimeoutMs);
  }

  // What the heartbeat needs of its connection.

  nextPingId(): string {
    return heartbeatPingId(this.idPrefix, ++this.idCounter);
  }

  /** The frame goes out on the open socket, or nowhere. */
  sendFrame(text: string): void {
    this.transport?.send(text);
  }

  dead(reason: string): void {
    this.drop({ code: undefined, reason });
  }

  private stopRetryTimer(): void {
    this.retryTimer?.unsubscribe();
    this.retryTimer = undefined;
    this.removeWakeListeners?.();
    this.removeWakeListeners = undefined;
  }

  private stopTimers(): void {
    this.stopRetryTimer();
    this.connectTimer?.unsubscribe();
    this.lazyCloseTimer?.unsubscribe();
    this.connectTimer = this.lazyCloseTimer = undefined;
    this.heartbeat?.stop();
  }

  private setState(state: ConnectionState): void {
    const current = this.stateSubject.value;
    if (this.stateSubject.closed || this.stateSubject.isStopped) return;
    // A closed client closed again (client.close() after an idle or lost close) says why anew.
    const repeated = current.status === state.status && (state.status !== 'closed' || current.status !== 'closed' || current.why === state.why);
    if (repeated && state.status !== 'connecting' && state.status !== 'reconnecting') return;
    this.stateSubject.next(state);
  }
}

/** Shared by a client's connections: credentials refused to one are not offered on another. */
export interface Credentials {
  /**
   * The endpoint whose credentials the server refused, and how: never dialled again. A use
   * after that fails with the refusal, unless a `url` or `token` function now gives another one.
   */
  refused: { readonly endpoint: string; readonly cause: CloseInfo } | undefined;
}

/** Connections made in this process, for requestIds no other client can mint. */
let connectionsMade = 0;

interface QueuedFrame {
  readonly requestId: string;
  readonly text: string;
}

/** `retryable`: whether the client goes on (reconnecting, or on the next use) rather than having given up. */
function lostError(close: CloseInfo, retryable = true): SmoothError {
  return close.code !== undefined
    ? new SmoothConnectionLostError('CONNECTION_CLOSED', `the connection closed (${close.code}${close.reason ? ` ${close.reason}` : ''})`, close.code, close.reason, undefined, retryable)
    : new SmoothConnectionLostError('CONNECTION_ERROR', `the connection failed${close.reason ? `: ${close.reason}` : ''}`, undefined, undefined, undefined, retryable, close.httpStatus);
}
