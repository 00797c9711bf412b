import type { SchedulerLike } from 'rxjs';

/** Anything constructed like the WebSocket of the DOM: the global one, `ws`, or a test double. */
export type WebSocketImplementation = new (url: string, protocols?: string | string[]) => unknown;

/** Options of `createSmoothClient`. */
export interface SmoothClientOptions {
  /** Server URL, e.g. `ws://127.0.0.1:8787/ws`. */
  url: string;
  /**
   * Auth token, sent as the `token` query parameter (browsers cannot set handshake headers). An
   * existing query string is kept, an existing `token` replaced, the value percent-encoded.
   * @default undefined (no token)
   */
  token?: string;
  /**
   * Handshake headers. Node only (passed to `ws`); browsers cannot send them and ignore this.
   * @default undefined
   */
  headers?: Record<string, string>;
  /**
   * WebSocket subprotocols.
   * @default undefined
   */
  protocols?: string | string[];
  /**
   * The WebSocket constructor. Tests pass a fake; the default is `isomorphic-ws` (`ws` in Node,
   * the global WebSocket in browsers).
   * @default isomorphic-ws
   */
  webSocketImpl?: WebSocketImplementation;
  /**
   * How long a request (createSession, getSession, getMessages, listConversations, ping, and the
   * resume frames of a turn) waits for its answer before erroring with
   * `SmoothTimeoutError` (`REQUEST_TIMEOUT`). `0` disables it.
   * @default 30000
   */
  requestTimeoutMs?: number;
  /**
   * Inactivity timeout of a turn: the longest gap between two events of a running turn. Paused
   * while the turn waits for a human (write confirmation, interaction). On expiry the client
   * sends `cancel` and errors the turn with `SmoothTimeoutError` (`TURN_TIMEOUT`). `0` disables it.
   * @default 120000
   */
  turnTimeoutMs?: number;
  /**
   * Servers run one turn per connection. `'queue'`: a turn started while another runs waits
   * (FIFO) and starts when the previous one ends. `'fail'`: it errors at once with
   * `SmoothTurnInProgressError`.
   * @default 'queue'
   */
  turnConcurrency?: 'queue' | 'fail';
  /**
   * After a turn is abandoned (unsubscribed, timed out) the client sends `cancel` and keeps the
   * turn slot until the server's `cancelled` arrives, so the next turn is not refused with
   * TURN_IN_PROGRESS; this bounds that wait.
   * @default 10000
   */
  cancelDrainMs?: number;
  /**
   * Validate every outgoing action against spec/ before sending; an invalid one errors the
   * caller with `SmoothInvalidActionError` and is not sent.
   * @default true
   */
  validateOutgoing?: boolean;
  /**
   * Scheduler of every timer (timeouts, drains). Pass a `TestScheduler` to drive time in tests;
   * inside `TestScheduler.run()` the default is virtual already.
   * @default asyncScheduler
   */
  scheduler?: SchedulerLike;
}

export interface ResolvedOptions extends Required<Omit<SmoothClientOptions, 'token' | 'headers' | 'protocols' | 'webSocketImpl'>> {
  token: string | undefined;
  headers: Record<string, string> | undefined;
  protocols: string | string[] | undefined;
  webSocketImpl: WebSocketImplementation | undefined;
}
