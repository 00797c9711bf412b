/**
 * The human-in-the-loop operators pass a turn's events, its error and its completion through at
 * the frame they happen, and unsubscribe from the turn at the frame they are unsubscribed.
 */
import { of, type Observable } from 'rxjs';
import { expectTypeOf } from 'expect-type';
import { TestScheduler } from 'rxjs/testing';
import { answerInteractions } from '../../operators/answerInteractions.js';
import { confirmWrites } from '../../operators/confirmWrites.js';
import { verifyOtp, type OtpAsk } from '../../operators/verifyOtp.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import { ack, eventual, token } from '../fixtures/events.js';

const values: Record<string, TurnEvent> = { a: ack('t'), t: token('t', 'hi'), e: eventual('t', 'hi') };
const operators = {
  confirmWrites: confirmWrites(() => true),
  answerInteractions: answerInteractions({}),
  verifyOtp: verifyOtp(() => '123456'),
};

describe.each(Object.entries(operators))('%s', (_name, operator) => {
  const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

  it('passes events and completion through at their frames', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-t-(e|)', values).pipe(operator)).toBe('-a-t-(e|)', values);
    });
  });

  it('passes an error through at its frame', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-t-#', values, new Error('socket gone')).pipe(operator)).toBe('-a-t-#', values, new Error('socket gone'));
    });
  });

  it('unsubscribes from the turn when unsubscribed', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const turn = cold('-a-t-t-t-t-(e|)', values);
      expectObservable(turn.pipe(operator), '^---!').toBe('-a-t', values);
      expectSubscriptions(turn.subscriptions).toBe('^---!');
    });
  });
});

it('verifyOtp keeps the stream type and hands codes the typed ask', () => {
  const op = verifyOtp((ask) => {
    expectTypeOf(ask).toEqualTypeOf<OtpAsk>();
    expectTypeOf(ask.channels).toEqualTypeOf<readonly string[]>();
    return of('123456');
  });
  expectTypeOf(of<TurnEvent>().pipe(op)).toEqualTypeOf<Observable<TurnEvent>>();
  // @ts-expect-error: a code is a string
  verifyOtp(() => 123456);
  expect(typeof op).toBe('function');
});
