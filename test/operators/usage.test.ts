import { expectTypeOf } from 'expect-type';
import type { OperatorFunction } from 'rxjs';
import type { Usage } from '../../src/generated/types.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import { usage } from '../../operators/usage.js';
import { RID, USAGE_TOOL_TURN, ack, cancelled, eventualResponse, token } from '../fixtures/events.js';
import { marbles } from './marbles.js';

const withoutUsage = eventualResponse(RID, ['Hi!']);
delete withoutUsage.data.data.usage;
const events = {
  a: ack(RID),
  t: token(RID, 'Your order has shipped.'),
  e: eventualResponse(RID, ['Your order has shipped.'], { usage: USAGE_TOOL_TURN }),
  n: withoutUsage,
  k: cancelled(RID),
};

describe('usage', () => {
  it('emits the usage once on eventual_response, completes and unsubscribes', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-t-e--|', events);
      expectObservable(source.pipe(usage())).toBe('-----(u|)', { u: { costUsd: 7e-5, promptTokens: 20, completionTokens: 10 } });
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('emits nothing when the response carries no usage', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-n--|', events);
      expectObservable(source.pipe(usage())).toBe('---|');
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('completes without a value when the turn is cancelled', () => {
    marbles(({ cold, expectObservable }) => {
      expectObservable(cold<TurnEvent>('-a-k--|', events).pipe(usage())).toBe('---|');
    });
  });

  it('passes an error through at the frame it happens', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-#', events, new Error('boom'));
      expectObservable(source.pipe(usage())).toBe('---#', undefined, new Error('boom'));
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('unsubscribes from the source when its subscriber unsubscribes', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-t-e|', events);
      expectObservable(source.pipe(usage()), '^---!').toBe('----');
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('is typed TurnEvent → Usage', () => {
    expectTypeOf(usage()).toEqualTypeOf<OperatorFunction<TurnEvent, Usage>>();
  });
});
