import type { Observable } from 'rxjs';
import { Connection, type ConnectionState, type Credentials } from './connection.js';
import type { Diagnostic } from './diagnostics.js';
import type { ResolvedOptions } from './options.js';
import { forgetTurns } from '../turn/context.js';

/** What the lanes need of a turn. */
export interface LaneTurn {
  readonly requestId: string;
  /** Its session, as a session's turns run one at a time (a session handle's turns share one key across resumes). */
  readonly sessionKey: unknown;
  /** Runs the turn on `connection`: it holds that connection's slot until `release`. */
  start(connection: Connection): void;
}

export interface Lane {
  readonly connection: Connection;
  active: LaneTurn | undefined;
}

/**
 * Who may run a turn on which connection. Servers run one turn per connection (a second gets
 * TURN_IN_PROGRESS), so a turn takes a free connection or waits (FIFO), and a session's own turns
 * run one at a time. This is the client's default: one connection, the one requests use too.
 * `connectionPool()` (its own module, so an app that does not use it does not carry it) adds
 * connections when every one is busy.
 */
export class Lanes {
  readonly primary: Connection;
  /** Shared by every connection of the client: credentials one socket had refused are not offered again by another. */
  protected readonly credentials: Credentials = { refused: undefined };
  protected readonly lanes: Lane[];
  private readonly waiting: LaneTurn[] = [];
  /** Sessions with a turn running, so that their next turn waits. */
  private readonly busySessions = new Set<unknown>();
  protected closed = false;

  constructor(protected readonly options: ResolvedOptions) {
    this.primary = new Connection(options, this.credentials);
    this.lanes = [{ connection: this.primary, active: undefined }];
  }

  /** What every connection reports. */
  get diagnostics$(): Observable<Diagnostic> {
    return this.primary.diagnostics$;
  }

  /** The client's state. */
  get state$(): Observable<ConnectionState> {
    return this.primary.state$;
  }

  /** The turn that `turnConcurrency: 'fail'` names as the one in the way of `turn`: its session's running turn, else the first busy connection's. */
  activeRequestId(turn: LaneTurn): string | undefined {
    const blocking = this.lanes.find((lane) => lane.active?.sessionKey === turn.sessionKey) ?? this.lanes.find((lane) => lane.active !== undefined);
    return blocking?.active?.requestId;
  }

  /** Starts the turn now if a connection can take it; otherwise queues it (or refuses, with `queue` false). */
  acquire(turn: LaneTurn, queue: boolean): 'started' | 'queued' | 'busy' {
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
  release(turn: LaneTurn): void {
    const lane = this.lanes.find((candidate) => candidate.active === turn);
    if (lane === undefined) return;
    lane.active = undefined;
    this.busySessions.delete(turn.sessionKey);
    this.drain();
  }

  /** A waiting turn gave up before it started. */
  withdraw(turn: LaneTurn): void {
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
    // Ended turns stay findable by turnOf for a while; a closed client's need not keep it alive.
    forgetTurns(this);
  }

  /** Another connection for a turn that found every one busy; none here (see `connectionPool()`). */
  protected grow(): Lane | undefined {
    return undefined;
  }

  private drain(): void {
    if (this.closed) return;
    for (let i = 0; i < this.waiting.length; i++) {
      const turn = this.waiting[i] as LaneTurn;
      const lane = this.laneFor(turn);
      if (lane === undefined) continue;
      this.waiting.splice(i, 1);
      i--;
      this.run(lane, turn);
    }
  }

  /** A free connection (open ones first), a new one if there is room, or none. */
  private laneFor(turn: LaneTurn): Lane | undefined {
    if (this.busySessions.has(turn.sessionKey)) return undefined;
    let free: Lane | undefined;
    for (const lane of this.lanes) {
      if (lane.active !== undefined) continue;
      if (lane.connection.state.status === 'open') return lane;
      free ??= lane;
    }
    return free ?? this.grow();
  }

  private run(lane: Lane, turn: LaneTurn): void {
    lane.active = turn;
    this.busySessions.add(turn.sessionKey);
    turn.start(lane.connection);
  }
}
