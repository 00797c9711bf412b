import { ReplaySubject, combineLatest, distinctUntilChanged, map, mergeMap, scan, switchMap, type Observable } from 'rxjs';
import { Connection, type ConnectionState } from './connection.js';
import type { Diagnostic } from './diagnostics.js';
import { Lanes, type Lane } from './lanes.js';
import type { ResolvedOptions } from './options.js';

export interface ConnectionPoolOptions {
  /**
   * How many sockets the client may open for turns, the first included: at least 1 (`Infinity`:
   * no limit). Each client given the pool opens its own sockets.
   * @default 4
   */
  maxConnections?: number;
}

/**
 * Several sockets for turns, given as the client's `pool` option: made by {@link connectionPool}.
 * Opaque: the client reads it.
 */
export class SmoothConnectionPool {
  readonly #maxConnections: number;

  /** @internal */
  constructor(maxConnections: number) {
    this.#maxConnections = maxConnections;
  }

  /** How many sockets the client may open for turns. */
  get maxConnections(): number {
    return this.#maxConnections;
  }

  /** @internal The client's lanes, on up to `maxConnections` sockets. */
  open(options: ResolvedOptions): Lanes {
    return new ConnectionPool(options, this.#maxConnections);
  }
}

/**
 * A pool of connections for a client that runs turns of many sessions at once (server-side
 * composition): `createSmoothClient({ url, pool: connectionPool({ maxConnections: 8 }) })`.
 *
 * Servers run one turn per connection, and sessions are not bound to one, so a turn that finds
 * every connection busy opens another, up to `maxConnections`, then waits (FIFO); a session's own
 * turns still run one at a time. Extra sockets close when idle (`lazyCloseTimeoutMs`) and reopen
 * on their next turn. Requests use the first connection; `diagnostics$` reports every one;
 * `state$` tells them together: `open` while any socket is open, else
 * `connecting`/`reconnecting`/`closing` if any is, else the most telling `closed`. A turn stays on
 * the connection it started on, also while that one reconnects: it is not moved, as it may have
 * reached the server. Without a pool the client has one connection, and this code is not in an
 * app's bundle.
 */
export function connectionPool(options: ConnectionPoolOptions = {}): SmoothConnectionPool {
  const max = options.maxConnections;
  // NaN (an unset environment variable through `Number()`) keeps the default, as `undefined` does.
  return new SmoothConnectionPool(max === undefined || Number.isNaN(max) ? 4 : Math.max(1, Math.floor(max)));
}

/**
 * The lanes of a pool: more connections on demand. A turn stays with the connection it started
 * on: one whose socket is reconnecting waits there (its `send_message` in that connection's
 * outbox) and fails if that connection gives up; it is not moved to another socket. Every socket
 * dials the same server with the same credentials, so a reconnect that keeps failing on one
 * rarely succeeds on another, and moving a frame that may already have reached the server could
 * run the turn twice.
 */
class ConnectionPool extends Lanes {
  /** Every connection opened, for `diagnostics$` and `state$`. */
  private readonly connections = new ReplaySubject<Connection>();
  readonly #diagnostics$ = this.connections.pipe(mergeMap((connection) => connection.diagnostics$));
  readonly #state$ = this.connections.pipe(
    scan((all: Connection[], connection) => [...all, connection], []),
    switchMap((all) => combineLatest(all.map((connection) => connection.state$))),
    map(aggregateState),
    // Each socket's state is a fresh object: a second socket opening is the same open, not a new one.
    distinctUntilChanged(sameState),
  );

  constructor(
    options: ResolvedOptions,
    private readonly maxConnections: number,
  ) {
    super(options);
    this.connections.next(this.primary);
  }

  override get diagnostics$(): Observable<Diagnostic> {
    return this.#diagnostics$;
  }

  override get state$(): Observable<ConnectionState> {
    return this.#state$;
  }

  override close(): void {
    if (this.closed) return;
    super.close();
    this.connections.complete();
  }

  protected override grow(): Lane | undefined {
    if (this.lanes.length >= this.maxConnections) return undefined;
    const lane: Lane = { connection: new Connection(this.options, this.credentials), active: undefined };
    this.lanes.push(lane);
    this.connections.next(lane.connection);
    return lane;
  }
}

/** Closed sockets, the most telling reason first. */
const CLOSED_RANK = ['fatal', 'retries-exhausted', 'lost', 'idle', 'client'];
const STATUS_RANK: ReadonlyArray<ConnectionState['status']> = ['open', 'connecting', 'reconnecting', 'closing', 'closed', 'idle'];

/**
 * What several connections say together: `open` while any socket is open (a turn can run),
 * else `connecting`, `reconnecting` or `closing` if any is, else `closed` with the most telling
 * reason (fatal before retries exhausted, lost, idle), else `idle`. One of the connections'
 * own states, so its fields (attempt, close code) are that connection's.
 */
export function aggregateState(states: readonly ConnectionState[]): ConnectionState {
  let best = states[0] as ConnectionState;
  for (const state of states) {
    const byStatus = STATUS_RANK.indexOf(state.status) - STATUS_RANK.indexOf(best.status);
    if (byStatus < 0 || (byStatus === 0 && state.status === 'closed' && best.status === 'closed' && CLOSED_RANK.indexOf(state.why) < CLOSED_RANK.indexOf(best.why))) best = state;
  }
  return best;
}

/** Two states that tell the same: equal status and details (all of them plain values). */
function sameState(a: ConnectionState, b: ConnectionState): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => (a as Record<string, unknown>)[key] === (b as Record<string, unknown>)[key]);
}
