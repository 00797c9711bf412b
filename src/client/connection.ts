import { BehaviorSubject, Observable, Subject, type Subscription } from 'rxjs';
import { webSocket, type WebSocketSubject } from 'rxjs/webSocket';
import type { ClientAction, ServerEvent } from '../generated/types.js';
import { SmoothConnectionError, SmoothInvalidActionError, type SmoothError } from '../errors.js';
import { validateAction, validateEvent, type ValidationIssue } from '../validation/validate.js';
import type { Diagnostic } from './diagnostics.js';
import type { ResolvedOptions } from './options.js';
import { createWebSocketCtor } from './socket.js';
import { redact, withToken } from './url.js';

/**
 * Where the socket is. `idle` before first use; `connecting` → `open` → (`closing` →) `closed`;
 * the next use of a closed connection reconnects.
 */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'closing' | 'closed';

/** A consumer of the events of one requestId (a request, a turn, a resume). */
export interface Route {
  /** A valid event carrying this requestId. */
  deliver(event: ServerEvent): void;
  /** A frame carrying this requestId failed validation (already reported on diagnostics$). */
  invalid(frame: Record<string, unknown>, type: unknown, errors: readonly ValidationIssue[]): void;
  /** The connection went away under it. */
  fail(error: SmoothError): void;
}

/** Request ids recently finished, so that stragglers are reported as late rather than unknown. */
const RECENT_LIMIT = 512;

/**
 * One multiplexed WebSocket: opened lazily by the first send, shared by every request and turn.
 * Each inbound frame is parsed and validated once, then routed in O(1) by requestId through one
 * Map; `WebSocketSubject.multiplex` is not used because it runs every channel's filter on every
 * frame and sends its unsubscribe message even after a normal completion.
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

  private readonly routes = new Map<string, Route>();
  /** Pings in flight, oldest first: a pong that echoes no requestId answers the oldest. */
  private readonly pings = new Set<string>();
  private readonly recent = new Set<string>();
  private socket: WebSocketSubject<string> | undefined;
  private subscription: Subscription | undefined;
  private closedByClient = false;
  private readonly decoder = new TextDecoder();
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
    this.routes.set(requestId, route);
    if (isPing) this.pings.add(requestId);
  }

  unregister(requestId: string): void {
    if (!this.routes.delete(requestId)) return;
    this.pings.delete(requestId);
    this.recent.add(requestId);
    if (this.recent.size > RECENT_LIMIT) this.recent.delete(this.recent.values().next().value as string);
  }

  /**
   * Sends an action, opening the socket if needed. Throws SmoothInvalidActionError (nothing sent)
   * or SmoothConnectionError when the client is closed or the socket is closing.
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
    this.open().next(text);
  }

  report(diagnostic: Diagnostic): void {
    this.diagnosticsSubject.next(diagnostic);
  }

  /** Closes the socket with 1000 and fails everything in flight with CLIENT_CLOSED. Idempotent. */
  close(): void {
    if (this.closedByClient) return;
    this.closedByClient = true;
    const socket = this.socket;
    const subscription = this.subscription;
    this.socket = undefined;
    this.subscription = undefined;
    if (socket && this.state === 'open') socket.error({ code: 1000, reason: 'client closed' });
    subscription?.unsubscribe();
    this.failAll(new SmoothConnectionError('CLIENT_CLOSED', 'the client was closed'));
    this.setState('closed');
    this.stateSubject.complete();
    this.diagnosticsSubject.complete();
  }

  private open(): WebSocketSubject<string> {
    if (this.socket) return this.socket;
    // Per socket: a closed socket's late close event must not describe its successor.
    let closed: CloseInfo | undefined;
    const socket = webSocket<string>({
      url: withToken(this.options.url, this.options.token),
      serializer: (text) => text,
      protocol: this.options.protocols,
      WebSocketCtor: createWebSocketCtor(this.options.webSocketImpl, this.options.headers),
      binaryType: 'arraybuffer',
      // Parse here, not in rxjs: its default deserializer throws on bad JSON and kills the socket.
      deserializer: (event: MessageEvent) => event.data as string,
      openObserver: { next: () => this.setState('open') },
      closingObserver: { next: () => this.setState('closing') },
      // rxjs completes on any clean close and passes the code on only here.
      closeObserver: { next: (event: CloseEvent) => (closed = { code: event.code, reason: event.reason || undefined }) },
    });
    this.socket = socket;
    this.setState('connecting');
    const subscription = socket.subscribe({
      next: (data) => this.receive(data),
      error: (err: unknown) => this.lost(socket, closed ?? closeInfo(err, this.options.token)),
      complete: () => this.lost(socket, closed ?? { code: undefined, reason: undefined }),
    });
    // A constructor that throws fails the socket inside subscribe(), and a queued turn may already
    // have opened its successor: keep only a live socket's subscription.
    if (this.socket === socket) this.subscription = subscription;
    return socket;
  }

  private lost(socket: WebSocketSubject<string>, close: CloseInfo): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    this.subscription = undefined;
    this.setState('closed');
    this.failAll(
      close.code !== undefined
        ? new SmoothConnectionError('CONNECTION_CLOSED', `the connection closed (${close.code}${close.reason ? ` ${close.reason}` : ''})`, close.code, close.reason)
        : new SmoothConnectionError('CONNECTION_ERROR', `the connection failed${close.reason ? `: ${close.reason}` : ''}`),
    );
  }

  private failAll(error: SmoothError): void {
    const routes = [...this.routes.values()];
    this.routes.clear();
    this.pings.clear();
    for (const route of routes) route.fail(error);
  }

  private setState(state: ConnectionState): void {
    if (this.stateSubject.value !== state && !this.stateSubject.closed) this.stateSubject.next(state);
  }

  private receive(data: unknown): void {
    let text: string;
    if (typeof data === 'string') text = data;
    // Not instanceof: an ArrayBuffer from another realm (iframe, vm) fails it.
    else if (ArrayBuffer.isView(data) || Object.prototype.toString.call(data) === '[object ArrayBuffer]') text = this.decoder.decode(data as ArrayBuffer);
    else return this.report({ kind: 'unparseable-frame', message: 'a frame that is neither text nor binary', raw: Object.prototype.toString.call(data) });
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch (err) {
      return this.report({ kind: 'unparseable-frame', message: `not JSON: ${(err as Error).message}`, raw: text.slice(0, 2000) });
    }
    const result = validateEvent(frame);
    if (result.valid) return this.route(result.value);
    if (result.unknownType) {
      return this.report({ kind: 'unknown-event-type', message: `ignored an event of unknown type "${result.type}"`, type: result.type, frame });
    }
    // `null`, numbers, arrays are valid JSON too: only an object can name a request.
    const record = typeof frame === 'object' && frame !== null ? (frame as Record<string, unknown>) : undefined;
    const requestId = typeof record?.requestId === 'string' ? record.requestId : undefined;
    this.report({ kind: 'invalid-frame', message: `invalid ${describeType(record)} frame: ${result.errors[0]?.message ?? ''}`, frame, errors: result.errors, requestId });
    if (record !== undefined && requestId !== undefined) this.routes.get(requestId)?.invalid(record, record.type, result.errors);
  }

  private route(event: ServerEvent): void {
    let requestId = event.requestId;
    if (requestId === undefined && event.type === 'pong') requestId = this.pings.values().next().value;
    const route = requestId === undefined ? undefined : this.routes.get(requestId);
    if (route) return route.deliver(event);
    if (requestId !== undefined && this.recent.has(requestId)) {
      return this.report({ kind: 'late-event', message: `${event.type} for ${requestId}, which has ended`, event });
    }
    this.report({ kind: 'unroutable-event', message: `${event.type} for ${requestId ?? 'no requestId'}, which this client is not waiting for`, event });
  }
}

interface CloseInfo {
  code: number | undefined;
  reason: string | undefined;
}

/** What a socket error says, with any token in it redacted (a constructor's error may quote the URL). */
function closeInfo(err: unknown, token: string | undefined): CloseInfo {
  if (typeof err === 'object' && err !== null) {
    const e = err as { code?: unknown; reason?: unknown; message?: unknown };
    if (typeof e.code === 'number') return { code: e.code, reason: typeof e.reason === 'string' && e.reason !== '' ? redact(e.reason, token) : undefined };
    if (typeof e.message === 'string') return { code: undefined, reason: redact(e.message, token) };
  }
  return { code: undefined, reason: undefined };
}

/**
 * The `type` of a frame for a message, never by stringifying what the network sent: an object
 * with a hostile `toString`, or an array nested thousands deep, throws or overflows the stack.
 */
function describeType(record: Record<string, unknown> | undefined): string {
  if (record === undefined) return 'non-object';
  const type = record.type;
  if (typeof type === 'string') return JSON.stringify(type.length > 64 ? `${type.slice(0, 64)}…` : type);
  return type === undefined ? 'untyped' : `${type === null ? 'null' : Array.isArray(type) ? 'array' : typeof type}-typed`;
}
