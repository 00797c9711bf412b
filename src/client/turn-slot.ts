/** What the slot needs of a turn. */
export interface SlotTurn {
  readonly requestId: string;
  start(): void;
}

/**
 * Servers run one turn per connection (a second gets TURN_IN_PROGRESS). The slot holds the
 * active turn and a FIFO of those waiting for it.
 */
export class TurnSlot {
  private active: SlotTurn | undefined;
  private readonly waiting: SlotTurn[] = [];

  get activeRequestId(): string | undefined {
    return this.active?.requestId;
  }

  /** Starts the turn now if the slot is free; otherwise queues it (or refuses, with `queue` false). */
  acquire(turn: SlotTurn, queue: boolean): 'started' | 'queued' | 'busy' {
    if (this.active === undefined) {
      this.active = turn;
      turn.start();
      return 'started';
    }
    if (!queue) return 'busy';
    this.waiting.push(turn);
    return 'queued';
  }

  /** The turn is done with the slot: the next waiting turn starts. */
  release(turn: SlotTurn): void {
    if (this.active !== turn) return;
    this.active = undefined;
    const next = this.waiting.shift();
    if (next !== undefined) {
      this.active = next;
      next.start();
    }
  }

  /** A waiting turn gave up before it started. */
  withdraw(turn: SlotTurn): void {
    const index = this.waiting.indexOf(turn);
    if (index >= 0) this.waiting.splice(index, 1);
  }
}
