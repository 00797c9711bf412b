// The README's testing-controller snippet, verbatim, so the documentation cannot rot.
import { TestScheduler } from 'rxjs/testing';
import { createSmoothClient } from '../../src/index.js';
import { text } from '../../operators/index.js';
import { SmoothTestingController } from '../../src/testing/index.js';

it('README: the testing controller example runs as written', () => {
  const server = new SmoothTestingController();
  const client = createSmoothClient({ url: 'ws://test/ws', webSocketImpl: server.WebSocket });

  new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ expectObservable }) => {
    expectObservable(client.turn({ sessionId: 's1', message: 'hi' }).pipe(text())).toBe('--ab(c|)', {
      a: 'Hel',
      b: 'Hello',
      c: 'Hello!',
    });
    server.expectTurn('hi').at(1).accept().at(2).token('Hel').at(3).token('lo').at(4).respond('Hello!');
  });
  server.verify();
});
