import { ReplaySubject, combineLatest, distinctUntilChanged, map, mergeMap, scan, switchMap, type Observable } from 'rxjs';
import { Connection, type ConnectionState, type Credentials } from './connection.js';
import type { Diagnostic } from './diagnostics.js';
import type { ResolvedOptions } from './options.js';
import { forgetTurns } from '../turn/context.js';

/** What the pool needs of a turn. */
export interface PooledTurn {
  readonly requestId: string;
  /** Its session, as the pool runs a session's turns one at a time (a session handle's turns share one key across resumes). */
  readonly sessionKey: unknown;
  /** Runs the turn on `connection`: it holds that connection's slot until `release`. */
  start(connection: Connection): void;
}

interface Lane {
  readonly connection: Connection;
  active: PooledTurn | undefined;
}

/**
 * The client's connections and who may run a turn on which. Servers run one turn per connection
 * (a second gets TURN_IN_PROGRESS), and sessions are not bound to a connection, so a turn takes
 * any free connection; when all are busy a new one opens, up to `maxConnections`, then turns wait
 * FIFO. A session's own turns still run one at a time, wherever they run. Extra connections close
 * by themselves when idle (the connection's lazy close) and reopen on their next turn.
 * Requests (createSession, getSession, …) share the first connection with its turns.
 *
 * A turn stays with the connection it started on: one whose socket is reconnecting waits there
 * (its `send_message` in that connection's outbox) and fails if that connection gives up; it is
 * not moved to another socket. Every socket dials the same server with the same credentials, so
 * a reconnect that keeps failing on one rarely succeeds on another, and moving a frame that may
 * already have reached the server could run the turn twice.
 */
export class ConnectionPool {
  readonly primary: Connection;
  private readonly lanes: Lane[];
  private readonly waiting: PooledTurn[] = [];
  /** Sessions with a turn running, so that their next turn waits. */
  private readonly busySessions = new Set<unknown>();
  /** Every connection opened, for `diagnostics$`: only with room for more than one. */
  private readonly connections: ReplaySubject<Connection> | undefined;
  private closed = false;
  private readonly credentials: Credentials = { refused: undefined };
  /** What every connection reports, current and future ones. */
  readonly diagnostics$: Observable<Diagnostic>;
  /** The client's state: the first connection's, or with room for more, what all of them say together (see {@link aggregateState}). */
  readonly state$: Observable<ConnectionState>;

  constructor(private readonly options: ResolvedOptions) {
    this.primary = new Connection(options, this.credentials);
    this.lanes = [{ connection: this.primary, active: undefined }];
    if (options.maxConnections <= 1) {
      this.diagnostics$ = this.primary.diagnostics$;
      this.state$ = this.primary.state$;
      return;
    }
    this.connections = new ReplaySubject<Connection>();
    this.connections.next(this.primary);
    this.diagnostics$ = this.connections.pipe(mergeMap((connection) => connection.diagnostics$));
    this.state$ = this.connections.pipe(
      scan((all: Connection[], connection) => [...all, connection], []),
      switchMap((all) => combineLatest(all.map((connection) => connection.state$))),
      map(aggregateState),
      // Each socket's state is a fresh object: a second socket opening is the same open, not a new one.
      distinctUntilChanged(sameState),
    );
  }

  /** The turn that `turnConcurrency: 'fail'` names as the one in the way of `turn`: its session's running turn, else the first busy connection's. */
  activeRequestId(turn: PooledTurn): string | undefined {
    const blocking = this.lanes.find((lane) => lane.active?.sessionKey === turn.sessionKey) ?? this.lanes.find((lane) => lane.active !== undefined);
    return blocking?.active?.requestId;
  }

  /** Starts the turn now if a connection can take it; otherwise queues it (or refuses, with `queue` false). */
  acquire(turn: PooledTurn, queue: boolean): 'started' | 'queued' | 'busy' {
    // A closed client opens nothing: the turn fails at once with CLIENT_CLOSED.
    if (this.closed) {
      turn.start(this.primary);
      return 'started';
    }
    // Every turn still waiting is blocked (no free connection, or its session busy): each release
    // starts those that can go. So a newcomer that finds a lane jumps no one who could use it.
    const lane = this.laneFor(turn);
    if (lane !== undefined) {
      this.run(lane, turn);
      return 'started';
    }
    if (!queue) return 'busy';
    this.waiting.push(turn);
    return 'queued';
  }

  /** The turn is done with its connection: the first waiting turn that may run now starts. */
  release(turn: PooledTurn): void {
    const lane = this.lanes.find((candidate) => candidate.active === turn);
    if (lane === undefined) return;
    lane.active = undefined;
    this.busySessions.delete(turn.sessionKey);
    this.drain();
  }

  /** A waiting turn gave up before it started. */
  withdraw(turn: PooledTurn): void {
    const index = this.waiting.indexOf(turn);
    if (index >= 0) this.waiting.splice(index, 1);
  }

  /** Closes every connection; running turns fail first, then the waiting ones, in order, with CLIENT_CLOSED. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const waiting = this.waiting.splice(0);
    for (const lane of this.lanes) lane.connection.close();
    for (const turn of waiting) turn.start(this.primary);
    this.connections?.complete();
    // Ended turns stay findable by turnOf for a while; a closed client's need not keep it alive.
    forgetTurns(this);
  }

  private drain(): void {
    if (this.closed) return;
    for (let i = 0; i < this.waiting.length; i++) {
      const turn = this.waiting[i] as PooledTurn;
      const lane = this.laneFor(turn);
      if (lane === undefined) continue;
      this.waiting.splice(i, 1);
      i--;
      this.run(lane, turn);
    }
  }

  /** A free connection (open ones first), a new one if there is room, or none. */
  private laneFor(turn: PooledTurn): Lane | undefined {
    if (this.busySessions.has(turn.sessionKey)) return undefined;
    let free: Lane | undefined;
    for (const lane of this.lanes) {
      if (lane.active !== undefined) continue;
      if (lane.connection.state.status === 'open') return lane;
      free ??= lane;
    }
    if (free !== undefined || this.lanes.length >= this.options.maxConnections) return free;
    const connection = new Connection(this.options, this.credentials);
    const lane: Lane = { connection, active: undefined };
    this.lanes.push(lane);
    this.connections?.next(connection);
    return lane;
  }

  private run(lane: Lane, turn: PooledTurn): void {
    lane.active = turn;
    this.busySessions.add(turn.sessionKey);
    turn.start(lane.connection);
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
