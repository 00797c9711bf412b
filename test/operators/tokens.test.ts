import { expectTypeOf } from 'expect-type';
import type { OperatorFunction } from 'rxjs';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import { tokens } from '../../operators/tokens.js';
import { RID, ack, eventualResponse, preamblePiece, reasoningPiece, token, toolCall, toolResult } from '../fixtures/events.js';
import { marbles } from './marbles.js';

// Recorded basic-streaming-turn: the answer split mid-word.
const events = {
  a: ack(RID),
  p: preamblePiece(RID, 'Let me think.'),
  r: reasoningPiece(RID, 'A greeting.'),
  c: toolCall(RID, 'lookup_order', { id: '123' }),
  d: toolResult(RID, 'lookup_order', 'Order 123: shipped.'),
  x: token(RID, 'Hello fr'),
  y: token(RID, 'om the e'),
  z: token(RID, 'ngine!'),
  e: eventualResponse(RID, ['Hello from the engine!']),
};
const pieces = { x: 'Hello fr', y: 'om the e', z: 'ngine!' };

describe('tokens', () => {
  it('emits each answer piece as it arrives, and completes with the turn', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-x-y--z-e-|', events);
      expectObservable(source.pipe(tokens())).toBe('---x-y--z---|', pieces);
      expectSubscriptions(source.subscriptions).toBe('^-----------!');
    });
  });

  it('ignores reasoning, preamble and tool chunks, which are not the answer', () => {
    marbles(({ cold, expectObservable }) => {
      const source = cold<TurnEvent>('-a-p-r-c-d-x-y-z-e|', events);
      expectObservable(source.pipe(tokens())).toBe('-----------x-y-z--|', pieces);
    });
  });

  it('passes an error through at the frame it happens', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-x-#', events, new Error('TURN_TIMEOUT'));
      expectObservable(source.pipe(tokens())).toBe('---x-#', pieces, new Error('TURN_TIMEOUT'));
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('unsubscribes from the source when its subscriber unsubscribes', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-x-y-z-e-|', events);
      expectObservable(source.pipe(tokens()), '^----!').toBe('---x--', pieces);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('is typed TurnEvent → string', () => {
    expectTypeOf(tokens()).toEqualTypeOf<OperatorFunction<TurnEvent, string>>();
  });
});
