import type { SchedulerLike, Subscription } from 'rxjs';

/**
 * A turn's inactivity deadline. Every event moves it; one scheduled check at a time re-arms
 * itself for the remainder, so an event costs a clock read instead of a timer reschedule (the
 * per-event path of the client).
 */
export class InactivityDeadline {
  private deadline = 0;
  private check: Subscription | undefined;

  constructor(
    private readonly scheduler: SchedulerLike,
    /** `0` or less: never expires. */
    private readonly ms: number,
    private readonly onExpire: () => void,
  ) {}

  /** Starts counting (again) from now. */
  start(): void {
    if (this.ms <= 0) return;
    this.deadline = this.scheduler.now() + this.ms;
    this.check ??= this.scheduler.schedule(() => this.expireOrWait(), this.ms);
  }

  /** Activity: the deadline moves; a no-op while stopped. */
  touch(): void {
    if (this.check !== undefined) this.deadline = this.scheduler.now() + this.ms;
  }

  stop(): void {
    this.check?.unsubscribe();
    this.check = undefined;
  }

  private expireOrWait(): void {
    this.check = undefined;
    const remaining = this.deadline - this.scheduler.now();
    if (remaining > 0) this.check = this.scheduler.schedule(() => this.expireOrWait(), remaining);
    else this.onExpire();
  }
}
