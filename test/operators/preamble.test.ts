import { expectTypeOf } from 'expect-type';
import type { OperatorFunction } from 'rxjs';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import { preamble } from '../../operators/preamble.js';
import { RID, ack, cancelled, eventualResponse, preamblePiece, reasoningPiece, token, toolCall, toolResult } from '../fixtures/events.js';
import { marbles } from './marbles.js';

const events = {
  a: ack(RID),
  p: preamblePiece(RID, 'Let me look'),
  q: preamblePiece(RID, ' that up.'),
  n: preamblePiece(RID, ''),
  r: reasoningPiece(RID, 'Need the order.'),
  c: toolCall(RID, 'lookup_order', { id: '123' }),
  d: toolResult(RID, 'lookup_order', 'Order 123: shipped.'),
  t: token(RID, 'Your order '),
  u: token(RID, 'has shipped.'),
  P: preamblePiece(RID, 'Checking returns.'),
  e: eventualResponse(RID, ['Your order has shipped.']),
  k: cancelled(RID),
};
const lines = { p: 'Let me look', q: 'Let me look that up.', P: 'Checking returns.', _: '' };

describe('preamble', () => {
  it('grows with its pieces, stays through tool calls, and is cleared once by the first answer token', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-p-q-r-c-d-t-u-e-|', events);
      expectObservable(source.pipe(preamble())).toBe('---p-q-------_-----|', lines);
      expectSubscriptions(source.subscriptions).toBe('^------------------!');
    });
  });

  it('starts a new preamble when one arrives after the answer began', () => {
    marbles(({ cold, expectObservable }) => {
      const source = cold<TurnEvent>('-p-t-P-c-d-u-e|', events);
      expectObservable(source.pipe(preamble())).toBe('-p-_-P-----_--|', lines);
    });
  });

  it('is cleared by the eventual response of a server that did not stream the answer', () => {
    marbles(({ cold, expectObservable }) => {
      const source = cold<TurnEvent>('-a-p-e|', events);
      expectObservable(source.pipe(preamble())).toBe('---p-_|', lines);
    });
  });

  it('is kept when the turn is cancelled, and emits nothing for empty pieces or a turn without one', () => {
    marbles(({ cold, expectObservable }) => {
      expectObservable(cold<TurnEvent>('-p-n-k|', events).pipe(preamble())).toBe('-p----|', lines);
      expectObservable(cold<TurnEvent>('-a-t-e|', events).pipe(preamble())).toBe('------|', lines);
    });
  });

  it('passes an error through at the frame it happens', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-p-#', events, new Error('boom'));
      expectObservable(source.pipe(preamble())).toBe('---p-#', lines, new Error('boom'));
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('unsubscribes from the source when its subscriber unsubscribes', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-p-q-t-e-|', events);
      expectObservable(source.pipe(preamble()), '^----!').toBe('---p--', lines);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('is typed TurnEvent → string', () => {
    expectTypeOf(preamble()).toEqualTypeOf<OperatorFunction<TurnEvent, string>>();
  });
});
