import type { SchedulerLike, Subscription } from 'rxjs';
import type { Router } from './router.js';

/** The requestId of a heartbeat ping: minted here, recognised by {@link isHeartbeatPing}. */
export function heartbeatPingId(prefix: string, n: number): string {
  return `${prefix}-hb-${n}`;
}

/**
 * Whether a `ping`'s requestId is a heartbeat's rather than the app's: the testing controller
 * answers these itself, as a live server would, so that a test sees only what its code sent.
 */
export function isHeartbeatPing(requestId: string): boolean {
  return /-hb-\d+$/.test(requestId);
}

/** What the heartbeat needs of its connection. */
export interface HeartbeatHost {
  readonly router: Router;
  /** Whether anything waits on the socket: an idle socket is closed lazily, not probed. */
  readonly needed: boolean;
  nextPingId(): string;
  sendFrame(text: string): void;
  /** No frame came within the timeout after a ping: the socket is dead. */
  dead(reason: string): void;
}

/**
 * Detects a half-open socket: when nothing has come in for between one and two intervals while
 * something waits, a `ping` goes out; no frame at all within the timeout means the socket is dead.
 * It reads the router's count of inbound frames, not the clock: nothing is done per frame for it.
 */
export class Heartbeat {
  private timer: Subscription | undefined;
  /** The requestId of the ping in flight, if one is. */
  ping: string | undefined;
  private seen = 0;

  constructor(
    private readonly host: HeartbeatHost,
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
    private readonly scheduler: SchedulerLike,
  ) {}

  /** Armed while something waits on the socket: an idle one holds no timer for it. */
  arm(): void {
    if (this.timer === undefined) this.start();
  }

  private start(): void {
    this.seen = this.host.router.received;
    // A static task given the heartbeat as its state: no closure per scheduling.
    this.timer = this.scheduler.schedule(checkTask, this.intervalMs, this);
  }

  stop(): void {
    this.timer?.unsubscribe();
    this.timer = undefined;
    this.clearPing();
  }

  /** Run by the scheduled task (the class is internal to the client). */
  check(): void {
    const { router } = this.host;
    // An idle socket is closed lazily, not probed: the next thing that waits arms it again.
    if (!this.host.needed) return void (this.timer = undefined);
    if (router.received !== this.seen) return this.start();
    this.sendPing();
    this.timer = this.scheduler.schedule(() => {
      this.clearPing();
      if (router.received === this.seen) return this.host.dead(`no answer to a heartbeat ping within ${this.timeoutMs} ms`);
      this.start();
    }, this.timeoutMs);
  }

  private sendPing(): void {
    const requestId = this.host.nextPingId();
    this.ping = requestId;
    // Its pong is a frame like any other: the router's inbound count is what the heartbeat reads.
    this.host.router.register(requestId, { deliver: () => this.clearPing(), invalid: () => undefined, fail: () => undefined }, true);
    this.host.sendFrame(JSON.stringify({ action: 'ping', requestId }));
  }

  private clearPing(): void {
    if (this.ping === undefined) return;
    const requestId = this.ping;
    this.ping = undefined;
    this.host.router.unregister(requestId);
  }
}

function checkTask(this: unknown, heartbeat?: Heartbeat): void {
  heartbeat?.check();
}
