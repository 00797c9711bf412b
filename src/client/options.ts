import { asyncScheduler, type Observable, type SchedulerLike } from 'rxjs';
import type { ClientAction } from '../generated/types.js';
import { fullJitter } from './backoff.js';
import type { ValidationResult } from '../validation/validate.js';
import type { SmoothConnectionPool } from './pool.js';

/** How a socket ended, as `shouldRetry` sees it. */
export interface CloseDetails {
  /** The WebSocket close code; `undefined` when the socket failed without one (a network error, a handshake timeout). */
  readonly code: number | undefined;
  readonly reason: string | undefined;
  /**
   * The status of an HTTP answer that refused the upgrade (e.g. 401, 403, 503), when the socket
   * never opened. Node only: browsers do not expose it (their WebSocket reports a bare error).
   */
  readonly httpStatus?: number;
}

const REFUSED_CLOSE_CODES = new Set([4001, 4003]);
const REFUSED_HTTP_STATUSES = new Set([401, 403]);

/** @internal Refused credentials (close 4001, 4003; HTTP 401, 403): what the default `shouldRetry` does not retry. */
export function refusesCredentials(close: CloseDetails): boolean {
  return (close.code !== undefined && REFUSED_CLOSE_CODES.has(close.code)) || (close.httpStatus !== undefined && REFUSED_HTTP_STATUSES.has(close.httpStatus));
}

/** A value, or a function evaluated on every connection attempt that returns it, a Promise or an Observable of it (its first value is used). */
export type EndpointValue<T> = T | (() => T | PromiseLike<T> | Observable<T>);

/**
 * Anything constructed like the WebSocket of the DOM: the global one, `ws`, or a test double. A
 * double may carry `clientDefaults`: defaults of its own for the client that uses it (a test
 * double turns the periodic heartbeat off), below any option the app gives.
 */
export type WebSocketImplementation = (new (url: string, protocols?: string | string[]) => unknown) & { readonly clientDefaults?: SocketClientDefaults };

/** The options a {@link WebSocketImplementation} may give its own defaults for. */
export type SocketClientDefaults = Readonly<Pick<SmoothClientOptions, 'heartbeatIntervalMs'>>;

/**
 * The back-off before reconnect attempt `attempt` (numbered as `state$` announces it: 2 for the
 * reconnect after a failed first attempt, 1 for the first after a socket that proved itself,
 * counting up), given the delay before the previous one (`0` before the first): milliseconds to wait.
 */
export type RetryDelay = (attempt: number, previousDelayMs: number) => number;

/** Options of `createSmoothClient`. */
export interface SmoothClientOptions {
  /**
   * Server URL, e.g. `ws://127.0.0.1:8787/ws`, or a function of it (returning the URL, a Promise
   * or an Observable of it), evaluated on every connection attempt. A function that throws,
   * rejects or completes empty fails that attempt (retried like a refused socket); one that never
   * answers is cut by `connectTimeoutMs` (a failed attempt, unless that is `0`); of an Observable
   * only the first value is used. A URL that does not parse (a bad port, a scheme other than
   * ws, wss, http, https) is fatal, with or without a token, given as a value or by a function:
   * `state$` says `closed` (`fatal`), what waits fails with `INVALID_URL` and no socket is opened.
   */
  url: EndpointValue<string>;
  /**
   * Auth token, sent as the `token` query parameter (browsers cannot set handshake headers). An
   * existing query string is kept, an existing `token` replaced, the value percent-encoded. A
   * function (sync, Promise or Observable) is evaluated on every attempt, so a reconnect carries a
   * refreshed token; it fails, times out or completes empty like a `url` function. The token
   * never appears in an error, diagnostic or state.
   * @default undefined (no token)
   */
  token?: EndpointValue<string | undefined>;
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
   * Checks every outgoing action before it is sent: pass `validateAction` (exported by this
   * package) to check them against `spec/`; an invalid one errors its caller with
   * `SmoothInvalidActionError` and is not sent. Opt-in so that an app that does not use it does
   * not carry the action validators (about 2 KB gzipped): the actions are typed, and servers
   * validate them too (an invalid one is answered with `VALIDATION_ERROR`).
   * @default false
   * @example createSmoothClient({ url, validateOutgoing: validateAction })
   */
  validateOutgoing?: false | ((action: ClientAction) => ValidationResult<ClientAction>);
  /**
   * How many reconnect attempts in a row, after a socket that was needed went away (any close but
   * the client's own, an error, a failed heartbeat, a handshake timeout), before giving up: then
   * everything waiting for the connection fails once, turns queued behind the lost one included
   * (none starts a round of its own), and `state$` says `closed` (`retries-exhausted`).
   * A first use's own attempt is not a reconnect: with `2`, a server that refuses every handshake
   * sees three attempts. The count (and the back-off) restarts after a socket that opened and
   * delivered a frame to a caller (an answer, an event, a pong) — one that a server accepts and
   * closes at once, or that only sent junk, is no success — and on the
   * next use after `closed`. `0` never reconnects.
   * @default 10
   */
  retryAttempts?: number;
  /**
   * The default `retryDelay`'s base: before reconnect attempt n, a random delay (full jitter)
   * between 0 and `min(retryMaxDelayMs, retryBaseDelayMs * 2^(n-1))`. Unused with a `retryDelay` of the app's.
   * @default 500
   */
  retryBaseDelayMs?: number;
  /**
   * The default `retryDelay`'s longest back-off between two reconnect attempts.
   * @default 30000
   */
  retryMaxDelayMs?: number;
  /**
   * The back-off strategy: how long to wait before a reconnect attempt, given its number and the
   * previous delay (see {@link RetryDelay}); a result that is not a finite number ≥ 0 counts as `0`.
   * Spreading reconnects keeps a fleet of clients from reconnecting in step after a server restart.
   * @default full jitter: a uniformly random delay in `[0, min(retryMaxDelayMs, retryBaseDelayMs * 2^(attempt-1)))`
   * @example createSmoothClient({ url, retryDelay: (attempt) => 1000 * attempt })
   */
  retryDelay?: RetryDelay;
  /**
   * Whether to reconnect after this close. Never asked for the client's own close, nor for close
   * code 1008 (policy violation), which is always fatal. Refused credentials (close 4001 or 4003,
   * or an HTTP 401 or 403 answering the upgrade) are fatal by default, but this is asked about
   * them too, and `true` retries them: an app may know the server refuses for a while. A refused
   * upgrade reaches it with its `httpStatus` (Node only), so a 401 can be told from a 503.
   * Credentials it did not retry are not offered again: a later use fails at once unless a `url`
   * or `token` function gives another endpoint. One that throws counts as `false`.
   * @default every close but refused credentials (close 4001, 4003; HTTP 401, 403) is retried
   */
  shouldRetry?: (close: CloseDetails) => boolean;
  /**
   * How long the WebSocket handshake may take before the attempt counts as failed (a server that
   * accepts TCP but never answers the upgrade). `0` waits for ever.
   * @default 10000
   */
  connectTimeoutMs?: number;
  /**
   * Heartbeat: when nothing has come in for between one and two of these intervals, the client
   * sends `ping`; no frame at all within `heartbeatTimeoutMs` after it means the socket is dead
   * (half-open): it is dropped and, if still needed, reconnected. Any inbound frame counts as
   * liveness. `0` disables the heartbeat.
   * @default 15000 (0 on a `webSocketImpl` whose `clientDefaults` say so: the testing kit's sockets)
   */
  heartbeatIntervalMs?: number;
  /**
   * How long a heartbeat `ping` waits for any frame before the socket is declared dead.
   * @default 5000
   */
  heartbeatTimeoutMs?: number;
  /**
   * How long an open socket that nothing needs any more (no request, turn or session handle in
   * flight) stays open before the client closes it (code 1000); the next use opens a new one.
   * @default 30000
   */
  lazyCloseTimeoutMs?: number;
  /**
   * How many actions may wait for a socket that is not open yet (connecting or reconnecting).
   * Past it, a send fails at once with `SmoothConnectionError` (`OUTBOX_FULL`). The action that
   * starts a connection attempt always waits for it: `0` means nothing waits behind it.
   * @default 1000
   */
  maxQueuedActions?: number;
  /**
   * Several sockets for turns of many sessions at once, made by `connectionPool()` (see it for how
   * turns are spread). Without one the client has one connection for its requests and turns, and
   * an app's bundle carries no pool.
   * @default undefined (one connection)
   */
  pool?: SmoothConnectionPool;
  /**
   * Scheduler of every timer (timeouts, drains). Pass a `TestScheduler` to drive time in tests;
   * inside `TestScheduler.run()` the default is virtual already.
   * @default asyncScheduler
   */
  scheduler?: SchedulerLike;
}

export interface ResolvedOptions extends Required<Omit<SmoothClientOptions, 'token' | 'headers' | 'protocols' | 'webSocketImpl' | 'pool'>> {
  pool: SmoothConnectionPool | undefined;
  token: EndpointValue<string | undefined>;
  headers: Record<string, string> | undefined;
  protocols: string | string[] | undefined;
  webSocketImpl: WebSocketImplementation | undefined;
}

type Defaulted = Omit<ResolvedOptions, 'url' | 'token' | 'headers' | 'protocols' | 'webSocketImpl' | 'retryDelay' | 'scheduler' | 'pool'>;

/** The defaults documented above, in one place. */
export const DEFAULTS: Readonly<Defaulted> = {
  requestTimeoutMs: 30_000,
  turnTimeoutMs: 120_000,
  turnConcurrency: 'queue',
  cancelDrainMs: 10_000,
  validateOutgoing: false,
  retryAttempts: 10,
  retryBaseDelayMs: 500,
  retryMaxDelayMs: 30_000,
  shouldRetry: (close) => !refusesCredentials(close),
  connectTimeoutMs: 10_000,
  heartbeatIntervalMs: 15_000,
  heartbeatTimeoutMs: 5_000,
  lazyCloseTimeoutMs: 30_000,
  maxQueuedActions: 1000,
};

/** The options with every default filled in: the app's, then its socket's `clientDefaults`, then {@link DEFAULTS}. */
export function resolveOptions(options: SmoothClientOptions): ResolvedOptions {
  refuseMisplacedPool(options);
  const resolved = { ...DEFAULTS, ...options.webSocketImpl?.clientDefaults } as ResolvedOptions;
  // An option given as `undefined` (or NaN: `Number('')` from a config) keeps its default, as `??` did.
  for (const key of Object.keys(options) as (keyof SmoothClientOptions)[]) {
    const value: unknown = options[key];
    if (value === undefined || Number.isNaN(value)) continue;
    (resolved as unknown as Record<string, unknown>)[key] = key.endsWith('Ms') && typeof value === 'number' ? timerDelay(value) : value;
  }
  resolved.scheduler ??= asyncScheduler;
  resolved.retryDelay ??= fullJitter(resolved.retryBaseDelayMs, resolved.retryMaxDelayMs);
  return resolved;
}

/**
 * Options built in a variable escape TypeScript's check of unknown keys, so the client option that
 * the pool replaced, or an object that only looks like a pool, would be ignored (or fail with no
 * hint) at run time: each is refused with the fix.
 */
function refuseMisplacedPool(options: SmoothClientOptions): void {
  if ('maxConnections' in options) {
    throw new TypeError('createSmoothClient: `maxConnections` is not a client option; pass `pool: connectionPool({ maxConnections })` instead');
  }
  const pool: unknown = options.pool;
  if (pool !== undefined && typeof (pool as { open?: unknown }).open !== 'function') {
    throw new TypeError('createSmoothClient: `pool` must be made by connectionPool()');
  }
}

/** The longest delay a host timer holds (~24.8 days): a longer one fires at once, in browsers and Node alike. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** A duration as timers can wait for it: at most {@link MAX_TIMER_DELAY_MS}, which is as good as never for a turn or a socket. */
export function timerDelay(ms: number): number {
  return ms > MAX_TIMER_DELAY_MS ? MAX_TIMER_DELAY_MS : ms;
}
