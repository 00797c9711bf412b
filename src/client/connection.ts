import { BehaviorSubject, Observable, Subject } from 'rxjs';
import type { ClientAction } from '../generated/types.js';
import { SmoothConnectionError, SmoothInvalidActionError, type SmoothError } from '../errors.js';
import { validateAction } from '../validation/validate.js';
import type { Diagnostic } from './diagnostics.js';
import type { ResolvedOptions } from './options.js';
import { Router, type Route } from './router.js';
import { createWebSocketCtor } from './socket.js';
import { Transport, type CloseInfo } from './transport.js';
import { withToken } from './url.js';

export type { Route } from './router.js';

/**
 * Where the socket is. `idle` before first use; `connecting` → `open` → (`closing` →) `closed`;
 * the next use of a closed connection reconnects.
 */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'closing' | 'closed';

/**
 * The client's connection: one socket at a time (a {@link Transport}), opened lazily by the first
 * send and shared by every request and turn, with one {@link Router} for what comes in. It owns
 * the state, the diagnostics, outgoing checks, and what happens to everything in flight when a
 * socket goes away.
 */
export class Connection {
  private readonly stateSubject = new BehaviorSubject<ConnectionState>('idle');
  private readonly diagnosticsSubject = new Subject<Diagnostic>();
  /** The current state, then every change; after close() it replays `closed` and completes. */
  readonly state$: Observable<ConnectionState> = new Observable<ConnectionState>((subscriber) => {
    if (!this.closedByClient) return this.stateSubject.subscribe(subscriber);
    subscriber.next('closed');
    subscriber.complete();
    return undefined;
  });
  readonly diagnostics$: Observable<Diagnostic> = this.diagnosticsSubject.asObservable();

  private readonly router = new Router((diagnostic) => this.report(diagnostic));
  private transport: Transport | undefined;
  private closedByClient = false;
  private idCounter = 0;
  private readonly idPrefix = `rx-${Math.random().toString(36).slice(2, 8)}`;

  constructor(private readonly options: ResolvedOptions) {}

  get state(): ConnectionState {
    return this.stateSubject.value;
  }

  nextRequestId(): string {
    return `${this.idPrefix}-${++this.idCounter}`;
  }

  register(requestId: string, route: Route, isPing = false): void {
    this.router.register(requestId, route, isPing);
  }

  unregister(requestId: string): void {
    this.router.unregister(requestId);
  }

  /**
   * Sends an action, opening the socket if needed. Throws SmoothInvalidActionError (nothing sent)
   * or SmoothConnectionError when the client is closed, the socket is closing or the URL is bad.
   */
  send(action: ClientAction): void {
    if (this.closedByClient) throw new SmoothConnectionError('CLIENT_CLOSED', 'the client is closed');
    if (this.options.validateOutgoing) {
      const result = validateAction(action);
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
    // rxjs drops frames sent while the socket is CLOSING; fail loudly instead.
    if (this.state === 'closing') throw new SmoothConnectionError('CONNECTION_CLOSED', 'the socket is closing');
    this.open().send(text);
  }

  report(diagnostic: Diagnostic): void {
    this.diagnosticsSubject.next(diagnostic);
  }

  /** Closes the socket with 1000 and fails everything in flight with CLIENT_CLOSED. Idempotent. */
  close(): void {
    if (this.closedByClient) return;
    this.closedByClient = true;
    const transport = this.transport;
    this.transport = undefined;
    transport?.close(1000, 'client closed', this.state === 'open');
    this.router.failAll(new SmoothConnectionError('CLIENT_CLOSED', 'the client was closed'));
    this.setState('closed');
    this.stateSubject.complete();
    this.diagnosticsSubject.complete();
  }

  private open(): Transport {
    if (this.transport) return this.transport;
    const url = withToken(this.options.url, this.options.token);
    this.setState('connecting');
    let transport: Transport | undefined;
    transport = new Transport(
      { url, protocols: this.options.protocols, WebSocketCtor: createWebSocketCtor(this.options.webSocketImpl, this.options.headers), token: this.options.token },
      {
        open: () => this.setState('open'),
        closing: () => this.setState('closing'),
        message: (data) => this.router.receive(data),
        // A late close of a socket already replaced must not describe its successor. A constructor
        // that throws ends its transport before `this.transport` is set.
        closed: (close) => (this.transport === undefined || this.transport === transport ? this.lost(close) : undefined),
      },
    );
    // Ended inside its constructor: the failure has been dealt with (and a queued turn it released
    // may already have opened a successor); sends to it are dropped.
    if (!transport.ended) this.transport = transport;
    return transport;
  }

  private lost(close: CloseInfo): void {
    if (this.closedByClient) return;
    this.transport = undefined;
    this.setState('closed');
    this.router.failAll(lostError(close));
  }

  private setState(state: ConnectionState): void {
    if (this.stateSubject.value !== state && !this.stateSubject.closed) this.stateSubject.next(state);
  }
}

function lostError(close: CloseInfo): SmoothError {
  return close.code !== undefined
    ? new SmoothConnectionError('CONNECTION_CLOSED', `the connection closed (${close.code}${close.reason ? ` ${close.reason}` : ''})`, close.code, close.reason)
    : new SmoothConnectionError('CONNECTION_ERROR', `the connection failed${close.reason ? `: ${close.reason}` : ''}`);
}
