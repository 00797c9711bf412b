import { asyncScheduler, map, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createSmoothClient, type SmoothClient } from '../../src/client/client.js';
import type { SmoothClientOptions } from '../../src/client/options.js';
import type { ClientAction } from '../../src/generated/types.js';
import { FakeSockets, type FakeSocketOptions, type FakeWebSocket } from '../../src/testing/fake-socket.js';
import type { SmoothError } from '../../src/errors.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';

/** [delay in frames after the action, frame] */
export type Reply = readonly [number, unknown];
export type Script = (action: ClientAction, socket: FakeWebSocket) => readonly Reply[] | void;

export interface Harness {
  client: SmoothClient;
  sockets: FakeSockets;
  /** Actions sent, in order, as `action:requestId` minus the client's id prefix. */
  sentLog(): string[];
  /** Like sentLog, each prefixed with the (virtual) time it was sent: `3 cancel:1`. */
  timedLog: string[];
}

/** A client over fake sockets whose server answers each action with `script`, on rxjs time. */
export function harness(script: Script, options: Partial<SmoothClientOptions> = {}, socketOptions: Omit<FakeSocketOptions, 'onAction'> = {}): Harness {
  const timedLog: string[] = [];
  const sockets = new FakeSockets({
    ...socketOptions,
    onAction: (action, socket) => {
      timedLog.push(`${asyncScheduler.now()} ${action.action}:${short(action.requestId)}`);
      for (const [delay, frame] of script(action, socket) ?? []) {
        asyncScheduler.schedule(() => {
          if (socket.readyState === 1) socket.receive(frame);
        }, delay);
      }
    },
  });
  const client = createSmoothClient({ url: 'ws://test/ws', webSocketImpl: sockets.WebSocket, ...options });
  return { client, sockets, timedLog, sentLog: () => sockets.sent.map((a) => `${a.action}:${short(a.requestId)}`) };
}

/** `rx-abc123-4` → `4`: the client's per-connection counter is what tests reason about. */
export function short(requestId: string): string {
  return requestId.replace(/^rx-[a-z0-9]+-/, '');
}

export function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** The types of a turn's events, for marbles. */
export const types = (turn$: Observable<TurnEvent>) => turn$.pipe(map((e) => e.type));

/** Runs turn `one` to its end on virtual time: `onEvent` sees each event; a turn error is recorded as `turn CODE`. */
export function runTurn(h: Harness, onEvent: (event: TurnEvent, outcome: string[]) => void): string[] {
  const outcome: string[] = [];
  testScheduler().run(({ flush }) => {
    h.client.turn({ sessionId: 's', message: 'one' }).subscribe({ next: (e) => onEvent(e, outcome), error: (err: SmoothError) => outcome.push(`turn ${err.code}`) });
    flush();
  });
  return outcome;
}
