import { expectTypeOf } from 'expect-type';
import type { OperatorFunction } from 'rxjs';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import { reasoning } from '../../operators/reasoning.js';
import { RID, ack, eventualResponse, preamblePiece, reasoningPiece, token } from '../fixtures/events.js';
import { marbles } from './marbles.js';

const events = {
  a: ack(RID),
  r: reasoningPiece(RID, 'The user wa'),
  s: reasoningPiece(RID, 'nts a quote.'),
  n: reasoningPiece(RID, ''),
  p: preamblePiece(RID, 'One moment.'),
  t: token(RID, 'Sure'),
  e: eventualResponse(RID, ['Sure']),
};
const texts = { r: 'The user wa', s: 'The user wants a quote.' };

describe('reasoning', () => {
  it('emits the running reasoning after each piece, ignoring the answer and the preamble', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-r-p-s-t-e-|', events);
      expectObservable(source.pipe(reasoning())).toBe('---r---s-----|', texts);
      expectSubscriptions(source.subscriptions).toBe('^------------!');
    });
  });

  it('emits nothing for an empty piece, or for a turn without reasoning', () => {
    marbles(({ cold, expectObservable }) => {
      expectObservable(cold<TurnEvent>('-r-n-s|', events).pipe(reasoning())).toBe('-r---s|', texts);
      expectObservable(cold<TurnEvent>('-a-t-e|', events).pipe(reasoning())).toBe('------|');
    });
  });

  it('passes an error through at the frame it happens', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-r-#', events, new Error('boom'));
      expectObservable(source.pipe(reasoning())).toBe('---r-#', texts, new Error('boom'));
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('unsubscribes from the source when its subscriber unsubscribes', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-r-s-t-e-|', events);
      expectObservable(source.pipe(reasoning()), '^---!').toBe('---r-', texts);
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('is typed TurnEvent → string', () => {
    expectTypeOf(reasoning()).toEqualTypeOf<OperatorFunction<TurnEvent, string>>();
  });
});
