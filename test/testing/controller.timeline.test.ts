/** One rule for frames on a handle's timeline, and one absolute timeline for a test spanning several handles. */
import { map, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { confirmWrites } from '../../operators/index.js';
import { createSmoothClient, type SmoothClient } from '../../src/client/client.js';
import { SmoothTestingController, TestingControllerError, type TestingControllerOptions } from '../../src/testing/index.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';

const strict = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const T = { a: 'immediate_response:202', o: 'immediate_response:200', t: 'stream_token', k: 'stream_chunk', w: 'write_confirmation_required', e: 'eventual_response' };
const types = (turn$: Observable<TurnEvent>) => turn$.pipe(map((e) => (e.type === 'immediate_response' ? `${e.type}:${e.status}` : e.type)));

let server: SmoothTestingController;
let client: SmoothClient;
const start = (options?: TestingControllerOptions): void => {
  server = new SmoothTestingController(options);
  client = createSmoothClient({ url: 'ws://test/ws', webSocketImpl: server.WebSocket });
};
afterEach(() => client.close());

describe('every frame counts from frame 0 of the timeline', () => {
  it('at() names a frame of the timeline whatever view it is called on: at(5).at(2) is frame 2', () => {
    start();
    strict().run(({ expectObservable }) => {
      expectObservable(types(client.turn({ sessionId: 's1', message: 'hi' }))).toBe('-at---(e|)', T);
      server.expectTurn('hi').at(5).at(1).accept().at(6).respond('Hello').at(2).token('Hel');
    });
    server.verify();
  });

  it('play() on an at() view throws, saying how to offset the marble instead', () => {
    start();
    const turn = server.expectTurn('hi');
    expect(() => turn.at(5).play('--a', { a: (t) => t.accept() })).toThrow(TestingControllerError);
    expect(() => turn.at(5).play('--a', { a: (t) => t.accept() })).toThrow(/at\(5\)\.play\("--a"\): play\(\) counts from frame 0 of the timeline, as every frame does; call it on the handle and pad the marble \('-----…' or '5ms …'\)/);
    turn.now().play('-----a', { a: (t) => t.accept() }); // the handle's own view takes a marble
  });
});

describe("timeline: 'run' — one absolute timeline for every handle", () => {
  const script = () => {
    const turn = server.expectTurn('delete record 42');
    turn.at(1).accept().at(2).requireConfirmation('delete_record');
    // The client confirms at frame 2: with the run's timeline, the ack at frame 4 is frame 4 of the run.
    server.expectConfirm({ approved: true }).at(4).ack();
    turn.at(5).toolResult('delete_record', 'deleted').at(6).respond('Deleted.');
  };

  it('a confirm’s answers and the turn’s read one timeline, the one of expectObservable', () => {
    start({ timeline: 'run' });
    strict().run(({ expectObservable }) => {
      expectObservable(types(client.turn({ sessionId: 's1', message: 'delete record 42' }).pipe(confirmWrites(() => true)))).toBe('-aw-ok(e|)', T);
      script();
    });
    server.verify();
  });

  it('by default the confirm counts from the confirm: the same script acks at frame 6, after the turn went on, which the kit refuses', () => {
    start();
    new TestScheduler(() => undefined).run(() => {
      client.turn({ sessionId: 's1', message: 'delete record 42' }).pipe(confirmWrites(() => true)).subscribe({ error: () => undefined });
      script();
    });
    expect(() => server.verify()).toThrow(/cannot send stream_chunk: the turn is parked/);
  });

  it('a frame already past when the action comes is reported by verify()', () => {
    start({ timeline: 'run' });
    new TestScheduler(() => undefined).run(({ cold }) => {
      cold('---a').subscribe(() => client.turn({ sessionId: 's1', message: 'late' }).subscribe({ error: () => undefined }));
      server.expectTurn('late').at(1).accept().at(5).respond('ok');
    });
    expect(() => server.verify()).toThrow(/expectTurn\("late"\): frame 1 of its timeline \(time 1\) is already past \(now 3\)\. Frames count from the start of the run \(timeline: "run"\)\./);
  });
});
