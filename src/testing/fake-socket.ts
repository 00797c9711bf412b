import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { ClientAction } from '../generated/types.js';
import type { WebSocketImplementation } from '../client/options.js';

/** What a fake socket's `onclose` receives. */
export interface CloseInit {
  code: number;
  reason: string;
  wasClean: boolean;
}

/**
 * A WebSocket double with no I/O: the client side is what rxjs drives; the server side
 * (`open`, `receive`, `serverClose`, `fail`) is driven by a test. Everything happens
 * synchronously, so inside `TestScheduler.run()` frames land exactly at their marble frame.
 */
export class FakeWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  /**
   * The client's defaults on a test double: the heartbeat is off unless `heartbeatIntervalMs` is
   * given (a periodic timer would keep `TestScheduler` flushing for ever while a turn stays open).
   */
  static readonly clientDefaults = { heartbeatIntervalMs: 0 };

  readyState = FakeWebSocket.CONNECTING;
  binaryType = 'blob';
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: CloseInit) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  /** Raw frames the client sent, in order. */
  readonly sentRaw: string[] = [];
  /** How the client closed it, if it did. */
  clientClose: { code: number | undefined; reason: string | undefined } | undefined;

  constructor(
    readonly url: string,
    readonly protocols: string | string[] | undefined,
    private readonly onSend: (socket: FakeWebSocket, action: ClientAction) => void,
  ) {}

  /** Parsed frames the client sent, in order. */
  get sent(): ClientAction[] {
    return this.sentRaw.map((raw) => JSON.parse(raw) as ClientAction);
  }

  send(data: string): void {
    if (this.readyState !== FakeWebSocket.OPEN) throw new Error('FakeWebSocket: send while not open');
    this.sentRaw.push(data);
    this.onSend(this, JSON.parse(data) as ClientAction);
  }

  close(code?: number, reason?: string): void {
    if (this.readyState >= FakeWebSocket.CLOSING) return;
    this.clientClose = { code, reason };
    this.readyState = FakeWebSocket.CLOSED;
    this.onclose?.({ code: code ?? 1005, reason: reason ?? '', wasClean: true });
  }

  // Server side -------------------------------------------------------------------------------

  /** The handshake completes. */
  open(): void {
    if (this.readyState !== FakeWebSocket.CONNECTING) return;
    this.readyState = FakeWebSocket.OPEN;
    this.onopen?.({ type: 'open' });
  }

  /** The server sends a frame: an object is serialized, a string is sent as is (e.g. not JSON). */
  receive(frame: unknown): void {
    if (this.readyState !== FakeWebSocket.OPEN) throw new Error('FakeWebSocket: receive while not open');
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }

  /** The server closes with a handshake (a clean close). */
  serverClose(code = 1000, reason = ''): void {
    if (this.readyState === FakeWebSocket.CLOSED) return;
    this.readyState = FakeWebSocket.CLOSED;
    this.onclose?.({ code, reason, wasClean: true });
  }

  /** The connection drops without a close handshake. */
  fail(): void {
    if (this.readyState === FakeWebSocket.CLOSED) return;
    this.readyState = FakeWebSocket.CLOSED;
    this.onerror?.({ type: 'error' });
    this.onclose?.({ code: 1006, reason: '', wasClean: false });
  }
}

export interface FakeSocketOptions {
  /**
   * Complete the handshake as soon as the client constructs a socket.
   * @default true
   */
  autoOpen?: boolean;
  /**
   * Scheduler of the automatic open.
   * @default asyncScheduler (virtual inside `TestScheduler.run()`)
   */
  scheduler?: SchedulerLike;
  /** Called for every action a client sends: a place to answer it. */
  onAction?: (action: ClientAction, socket: FakeWebSocket) => void;
}

/**
 * Creates WebSocket doubles for `createSmoothClient({ webSocketImpl })` and keeps every socket
 * the client opened, so a test can answer as the server and inspect what was sent.
 *
 * @example
 * const sockets = new FakeSockets();
 * const client = createSmoothClient({ url: 'ws://test/ws', webSocketImpl: sockets.WebSocket });
 */
export class FakeSockets {
  readonly all: FakeWebSocket[] = [];
  readonly WebSocket: WebSocketImplementation;

  constructor(options: FakeSocketOptions = {}) {
    const autoOpen = options.autoOpen ?? true;
    const scheduler = options.scheduler ?? asyncScheduler;
    const sockets = this.all;
    const onSend = (socket: FakeWebSocket, action: ClientAction) => options.onAction?.(action, socket);
    this.WebSocket = class extends FakeWebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, onSend);
        sockets.push(this);
        // rxjs attaches its handlers right after construction: open on the next scheduler tick
        // (frame 0 of a TestScheduler run), once all of them are in place.
        if (autoOpen) scheduler.schedule(() => this.open());
      }
    };
  }

  /** The most recently created socket. */
  get current(): FakeWebSocket {
    const socket = this.all[this.all.length - 1];
    if (socket === undefined) throw new Error('FakeSockets: the client has not opened a socket');
    return socket;
  }

  /** Every action sent over every socket, in order. */
  get sent(): ClientAction[] {
    return this.all.flatMap((socket) => socket.sent);
  }
}
