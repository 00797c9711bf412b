import type { SchedulerLike, Subscription } from 'rxjs';
import { webSocket, type WebSocketSubject } from 'rxjs/webSocket';
import { redact } from './url.js';

/** How a socket ended: the close code and reason, or (code undefined) an error without one. */
export interface CloseInfo {
  readonly code: number | undefined;
  readonly reason: string | undefined;
  /** The HTTP status that refused the upgrade (Node's `ws` only). */
  readonly httpStatus?: number;
}

/**
 * How long our own close waits for the peer's close frame before Node's `ws` is torn down: a
 * dead peer never answers, and ws would keep the socket (an active handle) for 30 s.
 */
export const CLOSE_GRACE_MS = 1000;

export interface TransportHandlers {
  open(): void;
  closing(): void;
  message(data: unknown): void;
  /** Once per transport, whatever ended it (a close, an error, our own close). */
  closed(close: CloseInfo): void;
}

export interface TransportConfig {
  readonly url: string;
  readonly protocols: string | string[] | undefined;
  readonly WebSocketCtor: new (url: string, protocols?: string | string[]) => WebSocket;
  /** Redacted from every reason this transport reports. */
  readonly token: string | undefined;
  /** For the close handshake's grace. */
  readonly scheduler: SchedulerLike;
}

/** What Node's `ws` has beyond the DOM WebSocket; browsers and test doubles may have none of it. */
interface NodeSocket {
  readonly readyState?: number;
  terminate?(): void;
  on?(event: 'unexpected-response', listener: (request: unknown, response: { statusCode?: number }) => void): void;
  addEventListener?(type: 'close', listener: () => void): void;
}

/**
 * One socket, opened on construction: sends text it is given (serializing is the caller's, so a
 * bad action fails its caller, not the socket), reports frames, and ends exactly once with the
 * close code and reason. rxjs completes the stream on any clean close and passes the code only to
 * the close observer, so the code is taken from there.
 */
export class Transport {
  private readonly socket: WebSocketSubject<string>;
  private readonly subscription: Subscription;
  private closed = false;
  /** The WebSocket the constructor made, for `terminate()`. */
  private raw: NodeSocket | undefined;
  /** The status of an HTTP answer to the upgrade that was not a 101. */
  private httpStatus: number | undefined;

  constructor(private readonly config: TransportConfig, private readonly handlers: TransportHandlers) {
    let close: CloseInfo | undefined;
    this.socket = webSocket<string>({
      url: config.url,
      protocol: config.protocols,
      WebSocketCtor: this.capturing(config.WebSocketCtor),
      binaryType: 'arraybuffer',
      serializer: (text) => text,
      // Parse in the router, not in rxjs: its default deserializer throws on bad JSON and kills the socket.
      deserializer: (event: MessageEvent) => event.data as string,
      openObserver: { next: () => handlers.open() },
      closingObserver: { next: () => handlers.closing() },
      closeObserver: { next: (event: CloseEvent) => (close = { code: event.code, reason: event.reason ? redact(event.reason, config.token) : undefined }) },
    });
    // A constructor that throws fails the socket inside subscribe(): end() may run before it returns.
    this.subscription = this.socket.subscribe({
      next: (data) => handlers.message(data),
      error: (err: unknown) => this.end(close ?? closeInfo(err, config.token)),
      complete: () => this.end(close ?? { code: undefined, reason: undefined }),
    });
  }

  /** The constructor, wrapped to keep what it made. */
  private capturing(Ctor: TransportConfig['WebSocketCtor']): TransportConfig['WebSocketCtor'] {
    const transport = this;
    return function CapturedWebSocket(url: string, protocols?: string | string[]) {
      const socket = new Ctor(url, protocols);
      const raw = socket as unknown as NodeSocket;
      transport.raw = raw;
      // ws reports a refused upgrade (401, 403, 503…) as a bare error; the status comes with this
      // event only. Listening to it makes the abort ours: terminate() aborts the handshake.
      if (typeof raw.on === 'function' && typeof raw.terminate === 'function') {
        raw.on('unexpected-response', (_request, response) => {
          transport.httpStatus = response.statusCode;
          raw.terminate?.();
        });
      }
      return socket;
    } as unknown as TransportConfig['WebSocketCtor'];
  }

  /** Whether it has ended (reported `closed`). */
  get ended(): boolean {
    return this.closed;
  }

  /** Sends a frame; dropped once ended (its callers have been failed already). */
  send(text: string): void {
    if (!this.closed) this.socket.next(text);
  }

  /** Our own close: with `code` (1000 or 3000–4999) when the socket is open; reported as closed. */
  close(code: number | undefined, reason: string, open: boolean): void {
    if (this.closed) return;
    if (open && code !== undefined) this.socket.error({ code, reason });
    this.subscription.unsubscribe();
    this.reapAfterGrace();
    this.end({ code, reason });
  }

  /** A peer that does not answer our close within the grace is dead: ws is torn down then. */
  private reapAfterGrace(): void {
    const raw = this.raw;
    if (raw === undefined || typeof raw.terminate !== 'function' || raw.readyState === 3) return;
    const timer = this.config.scheduler.schedule(() => {
      if (raw.readyState !== 3) raw.terminate?.();
    }, CLOSE_GRACE_MS);
    raw.addEventListener?.('close', () => timer.unsubscribe());
  }

  /**
   * Like `close`, for a socket known dead: Node's `ws` is torn down at once (`terminate()`), so no
   * close handshake is awaited; browsers have only `close()`.
   */
  terminate(code: number | undefined, reason: string, open: boolean): void {
    if (this.closed) return;
    const raw = this.raw;
    if (typeof raw?.terminate !== 'function') return this.close(code, reason, open);
    this.subscription.unsubscribe();
    raw.terminate();
    this.end({ code, reason });
  }

  private end(close: CloseInfo): void {
    if (this.closed) return;
    this.closed = true;
    if (this.httpStatus !== undefined) close = { code: undefined, reason: `HTTP ${this.httpStatus} answered the upgrade`, httpStatus: this.httpStatus };
    this.handlers.closed(close);
  }
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
