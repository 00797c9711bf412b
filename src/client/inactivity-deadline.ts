import type { SchedulerLike, Subscription } from 'rxjs';
import { timerDelay } from './options.js';

/** What a {@link Deadlines} clock guards: a turn, whose deadline its own events move. */
export interface Guarded {
  /**
   * When it expires, on the scheduler's clock. Activity moves it forward by writing it directly:
   * an event costs a clock read, never a timer reschedule (the per-event path of the client).
   */
  deadline: number;
  /** The deadline passed with no activity; it is no longer guarded when this runs. */
  expire(): void;
}

/**
 * The inactivity deadlines of a client's turns, checked by one scheduled action for them all:
 * an open turn holds a deadline and a place in a Set, not a timer of its own (an rxjs action, a
 * host timer and their closures are most of what a turn would otherwise keep). The check runs at the earliest deadline; what activity moved meanwhile is checked again at its new
 * deadline, so every turn expires exactly when it would with a timer of its own.
 */
export class Deadlines {
  private readonly guarded = new Set<Guarded>();
  private check: Subscription | undefined;
  /** When the scheduled check runs (the scheduler's clock). */
  private checkAt = 0;

  /**
   * Per client, not per scheduler: clients that share the default scheduler may run on different
   * clocks (real time, and a `TestScheduler.run()` that takes it over), and one clock's check
   * must not expire another's turns.
   */
  constructor(private readonly scheduler: SchedulerLike) {}

  /** Starts (again) counting `ms` from now; `0` or less: never expires. */
  guard(item: Guarded, ms: number): void {
    if (ms <= 0) return;
    item.deadline = this.scheduler.now() + ms;
    this.guarded.add(item);
    this.armFor(item.deadline);
  }

  release(item: Guarded): void {
    if (!this.guarded.delete(item) || this.guarded.size > 0) return;
    this.check?.unsubscribe();
    this.check = undefined;
  }

  /** Run by the scheduled task (the class is internal to the client). */
  run(): void {
    this.check = undefined;
    const now = this.scheduler.now();
    let due: Guarded[] | undefined;
    let next = Infinity;
    for (const item of this.guarded) {
      if (item.deadline <= now) (due ??= []).push(item);
      else if (item.deadline < next) next = item.deadline;
    }
    // Armed before expiring: what an expiry releases or guards anew re-arms or disarms it.
    if (next !== Infinity) this.armFor(next);
    if (due === undefined) return;
    // One expiry can end, restart or start others (an error handler, the next queued turn): each
    // is expired only if it is still guarded and still due.
    for (const item of due) {
      if (!this.guarded.has(item) || item.deadline > now) continue;
      this.guarded.delete(item);
      item.expire();
    }
  }

  /** Makes sure a check runs at `at` or earlier. */
  private armFor(at: number): void {
    if (this.check !== undefined && this.checkAt <= at) return;
    this.check?.unsubscribe();
    this.checkAt = at;
    // A static task given the clock as its state: no closure per scheduling.
    // A deadline further than a host timer can wait is checked (and found not due) once per such wait.
    this.check = this.scheduler.schedule(checkTask, timerDelay(Math.max(0, at - this.scheduler.now())), this);
  }
}

function checkTask(this: unknown, deadlines?: Deadlines): void {
  deadlines?.run();
}
