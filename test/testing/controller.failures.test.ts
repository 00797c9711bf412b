/** Failures that explain themselves: what the controller says when a test goes wrong. */
import { map, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { answerInteractions, text } from '../../operators/index.js';
import { createSmoothClient, type SmoothClient } from '../../src/client/client.js';
import { SmoothTestingController, TestingControllerError } from '../../src/testing/index.js';

const strict = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

let server: SmoothTestingController;
let client: SmoothClient;
beforeEach(() => {
  server = new SmoothTestingController();
  client = createSmoothClient({ url: 'ws://test/ws', webSocketImpl: server.WebSocket });
});
afterEach(() => client.close());

describe('run(): a failing run still says which expectation never matched', () => {
  it('a typo in expectTurn: the marble diff comes with the unmatched expectation and the action it missed', () => {
    let error: unknown;
    try {
      server.run(strict(), ({ expectObservable }) => {
        expectObservable(client.turn({ sessionId: 's1', message: 'Cancel order 123' }).pipe(text())).toBe('--(a|)', { a: 'Cancelled.' });
        server.expectTurn('Cancel order 12').at(1).accept().at(2).respond('Cancelled.');
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TestingControllerError);
    const message = (error as Error).message;
    expect(message).toMatch(/^TestScheduler\.run\(\) failed, and the testing controller reports:\n/);
    expect(message).toContain('Actions sent that no expectation matched:\n  - send_message');
    expect(message).toContain('"Cancel order 123"');
    expect(message).toContain('Expectations never matched:\n  - expectTurn("Cancel order 12") (2 scheduled answer(s) never sent)');
    // The run's own failure (here the silence timeout's marble diff) is kept, after the report.
    expect(message).toMatch(/The run's failure:\n[\s\S]*expect\(/);
    expect((error as Error & { cause?: unknown }).cause).toBeInstanceOf(Error);
  });

  it('a passing run returns the callback’s value and throws nothing', () => {
    const value = server.run(strict(), ({ expectObservable }) => {
      expectObservable(client.turn({ sessionId: 's1', message: 'hi' }).pipe(text())).toBe('--(a|)', { a: 'Hello' });
      server.expectTurn('hi').at(1).accept().at(2).respond('Hello');
      return 42;
    });
    expect(value).toBe(42);
    server.verify();
  });

  it('a failing run with nothing for the controller to report rethrows the run’s own error unchanged', () => {
    const failure = new Error('the assertion');
    expect(() =>
      server.run(strict(), () => {
        throw failure;
      }),
    ).toThrow(failure);
  });
});

describe('a Promise handler inside virtual time', () => {
  const ask = (handler: Parameters<typeof answerInteractions>[0]['identity_intake']) => {
    client
      .turn({ sessionId: 's1', message: 'quote' })
      .pipe(answerInteractions({ identity_intake: handler }), text())
      .subscribe({ error: () => undefined });
    const turn = server.expectTurn('quote');
    turn.at(1).accept();
    const interactionId = turn.at(2).requireInteraction('identity_intake', { fields: [{ key: 'email', required: true }] });
    server.expectSubmit({ interactionId }).at(1).ack();
    turn.at(5).toolResult('request_identity_intake', { status: 'submitted' }).at(6).respond('Thanks!');
  };

  it('verify() says the turn stayed parked and why a Promise never answers inside run()', () => {
    new TestScheduler(() => undefined).run(() => ask(async () => ({ values: { email: 'a@example.com' } })));
    let message = '';
    try {
      server.verify();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("parked on interaction_required (identity_intake interaction-1) since time 2: the client never sent its submit_interaction");
    expect(message).toContain('that Promise settles only after TestScheduler.run() has returned: virtual time runs rxjs schedulers, not Promises');
    expect(message).toContain('() => timer(2).pipe(map(() => ({ values })))');
  });

  it('the virtual-time form (an Observable on rxjs time) answers inside the run', () => {
    new TestScheduler(() => undefined).run(() => ask(() => timer(1).pipe(map(() => ({ values: { email: 'a@example.com' } })))));
    server.verify();
  });
});
