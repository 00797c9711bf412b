import { expectTypeOf } from 'expect-type';
import type { OperatorFunction } from 'rxjs';
import type { Citation } from '../../src/generated/types.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import { citations } from '../../operators/citations.js';
import { CITATIONS, RID, ack, cancelled, eventualResponse, token } from '../fixtures/events.js';
import { marbles } from './marbles.js';

const events = {
  a: ack(RID),
  t: token(RID, 'Orders ship within two days.'),
  e: eventualResponse(RID, ['Orders ship within two days.'], { citations: CITATIONS }),
  n: eventualResponse(RID, ['Hi!']),
  k: cancelled(RID),
};

describe('citations', () => {
  it('emits the citations once on eventual_response, completes and unsubscribes', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-t-e--|', events);
      expectObservable(source.pipe(citations())).toBe('-----(c|)', { c: CITATIONS });
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('emits [] when the response carries none', () => {
    marbles(({ cold, expectObservable }) => {
      expectObservable(cold<TurnEvent>('-a-n|', events).pipe(citations())).toBe('---(c|)', { c: [] });
    });
  });

  it('completes without a value when the turn is cancelled', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-k--|', events);
      expectObservable(source.pipe(citations())).toBe('---|');
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('passes an error through at the frame it happens', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-t-#', events, new Error('boom'));
      expectObservable(source.pipe(citations())).toBe('-----#', undefined, new Error('boom'));
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('unsubscribes from the source when its subscriber unsubscribes', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-t-e|', events);
      expectObservable(source.pipe(citations()), '^-!').toBe('--');
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });

  it('is typed TurnEvent → Citation[]', () => {
    expectTypeOf(citations()).toEqualTypeOf<OperatorFunction<TurnEvent, Citation[]>>();
  });
});
