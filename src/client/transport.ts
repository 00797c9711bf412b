import type { SchedulerLike } from 'rxjs';
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

/** What a transport tells its connection; each call names the transport, so one object serves them all. */
export interface TransportHandlers {
  socketOpened(transport: Transport): void;
  /** Our own close with a code has begun. */
  socketClosing(transport: Transport): void;
  socketMessage(data: unknown): void;
  /** Once per transport, whatever ended it (a close, an error, our own close); may come during the constructor. */
  socketClosed(close: CloseInfo, transport: Transport): void;
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
  terminate?(): void;
  on?(event: 'unexpected-response', listener: (request: unknown, response: { statusCode?: number }) => void): void;
  addEventListener?(type: 'close', listener: () => void): void;
}

type Socket = WebSocket & NodeSocket;

/**
 * One socket, opened on construction: sends text it is given (serializing is the caller's, so a
 * bad action fails its caller, not the socket), reports frames, and ends exactly once with the
 * close code and reason. The WebSocket is driven directly, through its `on…` handlers: an idle
 * connection then holds the socket and this object, not a Subject pipeline per socket. The code
 * is decided from the close event, never from `wasClean`.
 */
export class Transport {
  private socket: Socket | undefined;
  private closed = false;
  /** The status of an HTTP answer to the upgrade that was not a 101. */
  private httpStatus: number | undefined;

  constructor(private readonly config: TransportConfig, private readonly handlers: TransportHandlers) {
    let socket: Socket;
    try {
      socket = (config.protocols ? new config.WebSocketCtor(config.url, config.protocols) : new config.WebSocketCtor(config.url)) as Socket;
      socket.binaryType = 'arraybuffer';
    } catch (err) {
      // The WebSocket rejected the URL or the protocols: ended before the constructor returns.
      this.end(closeInfo(err, config.token));
      return;
    }
    this.socket = socket;
    // ws reports a refused upgrade (401, 403, 503…) as a bare error; the status comes with this
    // event only. Listening to it makes the abort ours: terminate() aborts the handshake.
    if (typeof socket.on === 'function' && typeof socket.terminate === 'function') {
      socket.on('unexpected-response', (_request, response) => {
        this.httpStatus = response.statusCode;
        socket.terminate?.();
      });
    }
    socket.onopen = () => (this.closed ? undefined : handlers.socketOpened(this));
    // Parsed in the router: a frame that is not JSON is reported there and kills nothing.
    socket.onmessage = (event) => {
      if (this.closed) return;
      // Inline, not through report(): no closure per frame.
      try {
        handlers.socketMessage(event.data);
      } catch (err) {
        rethrowLater(err);
      }
    };
    socket.onerror = (event) => this.end(closeInfo(event, config.token));
    socket.onclose = (event) => this.end({ code: event.code, reason: event.reason ? redact(event.reason, config.token) : undefined });
  }

  /** Whether it has ended (reported `closed`). */
  get ended(): boolean {
    return this.closed;
  }

  /** Sends a frame on the open socket; dropped otherwise (its callers have been failed already). */
  send(text: string): void {
    const socket = this.socket;
    if (this.closed || socket === undefined || socket.readyState !== 1) return;
    try {
      socket.send(text);
    } catch (err) {
      this.forget();
      this.end(closeInfo(err, this.config.token));
    }
  }

  /** Our own close: with `code` (1000 or 3000–4999) when the socket is open; reported as closed. */
  close(code: number | undefined, reason: string, open: boolean): void {
    if (this.closed) return;
    const socket = this.forget();
    if (socket !== undefined) {
      if (open && code !== undefined) {
        this.handlers.socketClosing(this);
        socket.close(code, reason);
      } else if (socket.readyState === 0 || socket.readyState === 1) {
        // Without a code: the server sees 1005.
        socket.close();
      }
      this.reapAfterGrace(socket);
    }
    this.end({ code, reason });
  }

  /** A peer that does not answer our close within the grace is dead: ws is torn down then. */
  private reapAfterGrace(socket: Socket): void {
    if (typeof socket.terminate !== 'function' || socket.readyState === 3) return;
    const timer = this.config.scheduler.schedule(() => {
      if (socket.readyState !== 3) socket.terminate?.();
    }, CLOSE_GRACE_MS);
    socket.addEventListener?.('close', () => timer.unsubscribe());
  }

  /**
   * Like `close`, for a socket known dead: Node's `ws` is torn down at once (`terminate()`), so no
   * close handshake is awaited; browsers have only `close()`.
   */
  terminate(code: number | undefined, reason: string, open: boolean): void {
    if (this.closed) return;
    const socket = this.socket;
    if (typeof socket?.terminate !== 'function') return this.close(code, reason, open);
    this.forget();
    if (socket.readyState === 0 || socket.readyState === 1) socket.close();
    socket.terminate();
    this.end({ code, reason });
  }

  /**
   * Lets go of the socket. Its handlers stay (ignoring what comes once ended): Node's `ws` throws
   * an `error` event nobody listens to, and aborting a handshake emits one.
   */
  private forget(): Socket | undefined {
    const socket = this.socket;
    this.socket = undefined;
    return socket;
  }

  private end(close: CloseInfo): void {
    if (this.closed) return;
    this.closed = true;
    this.forget();
    if (this.httpStatus !== undefined) close = { code: undefined, reason: `HTTP ${this.httpStatus} answered the upgrade`, httpStatus: this.httpStatus };
    report(() => this.handlers.socketClosed(close, this));
  }
}

/**
 * Runs a handler whose throw must not unwind into the socket's event dispatch (in Node, `ws`'s
 * stream handler): it is thrown again on its own, as rxjs reports an error thrown by an observer.
 */
function report(handler: () => void): void {
  try {
    handler();
  } catch (err) {
    rethrowLater(err);
  }
}

function rethrowLater(err: unknown): void {
  setTimeout(() => {
    throw err;
  });
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
