import { NgZone } from '@angular/core';
import IsomorphicWebSocket from 'isomorphic-ws';
import { Observable, asyncScheduler, type SchedulerLike } from 'rxjs';
import type { SmoothClient } from '../client/client.js';
import type { SmoothClientOptions, WebSocketImplementation } from '../client/options.js';
import { CLIENT_MEMBERS, SESSION_MEMBERS, type MemberKind } from '../client/members.js';
import type { SmoothSession } from '../client/session.js';

/**
 * Subscribes outside the Angular zone (so the socket, its callbacks and the client's timers never
 * make the app unstable or trigger change detection) and hands every notification back inside it:
 * one `zone.run` per emission to the app. Teardown (which may send `cancel` and arm timers) runs
 * outside too.
 */
export function reenterZone<T>(zone: NgZone, source: Observable<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const subscription = zone.runOutsideAngular(() =>
      source.subscribe({
        next: (value) => zone.run(() => subscriber.next(value)),
        error: (error: unknown) => zone.run(() => subscriber.error(error)),
        complete: () => zone.run(() => subscriber.complete()),
      }),
    );
    return () => zone.runOutsideAngular(() => subscription.unsubscribe());
  });
}

/**
 * The client as the app sees it under zone.js: every Observable re-enters the zone, every call
 * that may touch the socket or arm a timer runs outside it. Without zone.js (zoneless, where
 * `NgZone` is a no-op) the client is returned as is: signals drive change detection.
 */
export function zonedClient(client: SmoothClient, zone: NgZone): SmoothClient {
  if (!(zone instanceof NgZone)) return client;
  const wrapped = zoned(client, CLIENT_MEMBERS, zone) as SmoothClient;
  unzoned.set(wrapped, client);
  return wrapped;
}

const unzoned = new WeakMap<SmoothClient, SmoothClient>();

/**
 * The client under a zoned one, for code that runs wholly outside the zone and brings only its
 * result back in (the chat: one zone entry per rendered state, not one per frame). Any other
 * client (zoneless, or one provided by the app) is returned as is.
 */
export function outsideZoneClient(client: SmoothClient): SmoothClient {
  return unzoned.get(client) ?? client;
}

type Member = ((...args: unknown[]) => unknown) & Observable<unknown>;

/** `target` with each member of `members` wrapped as its kind says: derived, so that no member is forgotten. */
function zoned(target: object, members: Readonly<Record<string, MemberKind>>, zone: NgZone): object {
  const source = target as Record<string, Member>;
  const wrapped: Record<string, unknown> = {};
  for (const [key, kind] of Object.entries(members)) {
    if (kind === 'stream') wrapped[key] = reenterZone(zone, source[key] as Observable<unknown>);
    else if (kind === 'value') Object.defineProperty(wrapped, key, { get: () => source[key], enumerable: true });
    else if (kind === 'call') wrapped[key] = (...args: unknown[]) => reenterZone(zone, source[key]?.apply(target, args) as Observable<unknown>);
    else if (kind === 'action') wrapped[key] = (...args: unknown[]) => zone.runOutsideAngular(() => source[key]?.apply(target, args));
    else wrapped[key] = (...args: unknown[]) => zoned(source[key]?.apply(target, args) as SmoothSession, SESSION_MEMBERS, zone);
  }
  return wrapped;
}

/**
 * The client's options under zone.js: its sockets and timers live outside the Angular zone
 * whichever zone triggers them (a `turnOf(event).confirm()` subscribed from a click handler arms
 * the turn's timeout; a `resend()` after an idle close opens a socket), so no frame and no timer
 * runs change detection or keeps the app unstable. Zoneless: unchanged.
 */
export function outsideAngularOptions(options: SmoothClientOptions, zone: NgZone): SmoothClientOptions {
  if (!(zone instanceof NgZone)) return options;
  return {
    ...options,
    webSocketImpl: outsideAngularWebSocket(options.webSocketImpl ?? (IsomorphicWebSocket as unknown as WebSocketImplementation), zone),
    scheduler: outsideAngularScheduler(options.scheduler ?? asyncScheduler, zone),
  };
}

/** Every `schedule()` outside the zone (the client never reschedules an action: it always schedules anew). */
export function outsideAngularScheduler(base: SchedulerLike, zone: NgZone): SchedulerLike {
  return {
    now: () => base.now(),
    schedule: (...args: Parameters<SchedulerLike['schedule']>) => zone.runOutsideAngular(() => base.schedule(...args)),
  } as SchedulerLike;
}

type SocketHandler = ((event: never) => unknown) | null;
interface SocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: SocketHandler;
  onmessage: SocketHandler;
  onerror: SocketHandler;
  onclose: SocketHandler;
  send(data: unknown): void;
  close(code?: number, reason?: string): void;
  terminate?(): void;
  on?(event: string, listener: (...args: never[]) => void): unknown;
}

/**
 * A WebSocket constructed, and given its handlers, outside the zone: zone.js binds a handler to
 * the zone current when it is assigned, so the handlers rxjs assigns right after construction
 * are assigned from the root zone here, and each frame costs no zone hop at all.
 */
function outsideAngularWebSocket(impl: WebSocketImplementation, zone: NgZone): WebSocketImplementation {
  const Impl = impl as unknown as new (...args: unknown[]) => SocketLike;
  class OutsideAngularWebSocket {
    // The wrapped socket's defaults for the client (a test double's heartbeat off) stay its own.
    static readonly clientDefaults = impl.clientDefaults;
    private readonly socket: SocketLike;
    /**
     * Node's `ws` only (server-side rendering, tests): the client tears down a dead socket and one
     * whose close the peer never answers with it, instead of ws's 30 s wait. Absent when the
     * wrapped socket has none (browsers), so the client falls back to `close()` there.
     */
    readonly terminate?: () => void;
    /** Node's `ws` only: how the client learns the HTTP status of a refused upgrade (a 401 is fatal). */
    readonly on?: (event: string, listener: (...args: never[]) => void) => void;
    constructor(...args: unknown[]) {
      const socket = zone.runOutsideAngular(() => new Impl(...args));
      this.socket = socket;
      if (typeof socket.terminate === 'function') this.terminate = () => zone.runOutsideAngular(() => socket.terminate?.());
      if (typeof socket.on === 'function') this.on = (event, listener) => zone.runOutsideAngular(() => void socket.on?.(event, listener));
    }
    get readyState(): number {
      return this.socket.readyState;
    }
    get binaryType(): string {
      return this.socket.binaryType;
    }
    set binaryType(value: string) {
      this.socket.binaryType = value;
    }
    get onopen(): SocketHandler {
      return this.socket.onopen;
    }
    set onopen(handler: SocketHandler) {
      zone.runOutsideAngular(() => (this.socket.onopen = handler));
    }
    get onmessage(): SocketHandler {
      return this.socket.onmessage;
    }
    set onmessage(handler: SocketHandler) {
      zone.runOutsideAngular(() => (this.socket.onmessage = handler));
    }
    get onerror(): SocketHandler {
      return this.socket.onerror;
    }
    set onerror(handler: SocketHandler) {
      zone.runOutsideAngular(() => (this.socket.onerror = handler));
    }
    get onclose(): SocketHandler {
      return this.socket.onclose;
    }
    set onclose(handler: SocketHandler) {
      zone.runOutsideAngular(() => (this.socket.onclose = handler));
    }
    send(data: unknown): void {
      this.socket.send(data);
    }
    close(code?: number, reason?: string): void {
      zone.runOutsideAngular(() => this.socket.close(code, reason));
    }
  }
  return OutsideAngularWebSocket;
}
