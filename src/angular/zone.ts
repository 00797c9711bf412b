import { NgZone } from '@angular/core';
import { Observable } from 'rxjs';
import type { SmoothClient } from '../client/client.js';
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
  const reenter = <T>(source: Observable<T>): Observable<T> => reenterZone(zone, source);
  return {
    state$: reenter(client.state$),
    diagnostics$: reenter(client.diagnostics$),
    createSession: (options) => reenter(client.createSession(options)),
    getSession: (sessionId) => reenter(client.getSession(sessionId)),
    getMessages: (options) => reenter(client.getMessages(options)),
    allMessages: (options) => reenter(client.allMessages(options)),
    listConversations: (options) => reenter(client.listConversations(options)),
    ping: () => reenter(client.ping()),
    turn: (request) => reenter(client.turn(request)),
    session: (options) => zonedSession(client.session(options), zone),
    close: () => zone.runOutsideAngular(() => client.close()),
  };
}

function zonedSession(session: SmoothSession, zone: NgZone): SmoothSession {
  const reenter = <T>(source: Observable<T>): Observable<T> => reenterZone(zone, source);
  const info$ = reenter(session.info$);
  return {
    info$,
    get info() {
      return session.info;
    },
    get conversationId() {
      return session.conversationId;
    },
    open: () => reenter(session.open()),
    turn: (message) => reenter(session.turn(message)),
    history: (options) => reenter(session.history(options)),
    cancel: () => zone.runOutsideAngular(() => session.cancel()),
    close: () => zone.runOutsideAngular(() => session.close()),
  };
}
