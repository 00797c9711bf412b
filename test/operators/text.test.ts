import { expectTypeOf } from 'expect-type';
import { from, lastValueFrom, type OperatorFunction } from 'rxjs';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import { text } from '../../operators/text.js';
import { RID, ack, cancelled, eventualResponse, otpVerified, preamblePiece, reasoningPiece, token, toolCall, toolResult } from '../fixtures/events.js';
import { marbles } from './marbles.js';

const events = {
  a: ack(RID),
  x: token(RID, 'Hello fr'),
  y: token(RID, 'om the e'),
  z: token(RID, 'ngine!'),
  e: eventualResponse(RID, ['Hello from the engine!']),
  k: cancelled(RID),
};

describe('text', () => {
  it('emits the running answer after each token; an eventual response equal to it adds nothing', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-x-y-z-e-|', events);
      expectObservable(source.pipe(text())).toBe('---x-y-z---|', {
        x: 'Hello fr',
        y: 'Hello from the e',
        z: 'Hello from the engine!',
      });
      expectSubscriptions(source.subscriptions).toBe('^----------!');
    });
  });

  it('emits the final answer of a server that did not stream', () => {
    marbles(({ cold, expectObservable }) => {
      const source = cold<TurnEvent>('-a---e|', events);
      expectObservable(source.pipe(text())).toBe('-----f|', { f: 'Hello from the engine!' });
    });
  });

  it('ends with the final answer when it differs from the streamed text (parts joined with a newline)', () => {
    marbles(({ cold, expectObservable }) => {
      const values = { a: ack(RID), x: token(RID, 'Your order'), e: eventualResponse(RID, ['Your order has shipped.', 'It arrives Tuesday.']) };
      const source = cold<TurnEvent>('-a-x-e|', values);
      expectObservable(source.pipe(text())).toBe('---x-f|', {
        x: 'Your order',
        f: 'Your order has shipped.\nIt arrives Tuesday.',
      });
    });
  });

  it('emits an empty final answer once, so a completed turn always has a last value', async () => {
    marbles(({ cold, expectObservable }) => {
      const source = cold<TurnEvent>('-a-e|', { a: ack(RID), e: eventualResponse(RID, ['']) });
      expectObservable(source.pipe(text())).toBe('---f|', { f: '' });
    });
    await expect(lastValueFrom(from([ack(RID), eventualResponse(RID, [])]).pipe(text()))).resolves.toBe('');
  });

  it('joins the text streamed around a tool call, ignoring reasoning, preamble and chunks', () => {
    marbles(({ cold, expectObservable }) => {
      const values = {
        p: preamblePiece(RID, 'Checking.'),
        r: reasoningPiece(RID, 'Need the order.'),
        x: token(RID, 'Let me check. '),
        c: toolCall(RID, 'lookup_order', { id: '123' }),
        d: toolResult(RID, 'lookup_order', 'Order 123: shipped.'),
        y: token(RID, 'It shipped.'),
        e: eventualResponse(RID, ['Let me check. It shipped.']),
      };
      const source = cold<TurnEvent>('-p-r-x-c-d-y-e-|', values);
      expectObservable(source.pipe(text())).toBe('-----x-----y---|', { x: 'Let me check. ', y: 'Let me check. It shipped.' });
    });
  });

  it('starts afresh when a new turn starts in the same stream (verifyOtp re-sends the message)', () => {
    marbles(({ cold, expectObservable }) => {
      const values = {
        a: ack(RID),
        x: token(RID, 'I need to verify you first.'),
        v: otpVerified('r-otp'),
        b: ack('r-2'), // the re-sent turn's 202
        y: token('r-2', 'Paid'),
        z: token('r-2', ' it.'),
        e: eventualResponse('r-2', ['Paid it.'], {}),
      };
      const source = cold<TurnEvent>('-a-x-v-b-y-z-e|', values);
      expectObservable(source.pipe(text())).toBe('---x---b-y-z--|', { x: 'I need to verify you first.', b: '', y: 'Paid', z: 'Paid it.' });
    });
  });

  it('emits nothing for an empty token', () => {
    marbles(({ cold, expectObservable }) => {
      const source = cold<TurnEvent>('-x-n-y-|', { x: token(RID, 'Hel'), n: token(RID, ''), y: token(RID, 'lo') });
      expectObservable(source.pipe(text())).toBe('-x---y-|', { x: 'Hel', y: 'Hello' });
    });
  });

  it('ends a cancelled turn with what was streamed so far', () => {
    marbles(({ cold, expectObservable }) => {
      const source = cold<TurnEvent>('-a-x-k|', events);
      expectObservable(source.pipe(text())).toBe('---x--|', { x: 'Hello fr' });
    });
  });

  it('keeps the text of each subscription apart', () => {
    marbles(({ cold, expectObservable }) => {
      const answer$ = cold<TurnEvent>('-x-y|', events).pipe(text());
      expectObservable(answer$).toBe('-x-y|', { x: 'Hello fr', y: 'Hello from the e' });
      expectObservable(answer$).toBe('-x-y|', { x: 'Hello fr', y: 'Hello from the e' });
    });
  });

  it('passes an error through at the frame it happens', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-x-y-#', events, new Error('CONNECTION_CLOSED'));
      expectObservable(source.pipe(text())).toBe('---x-y-#', { x: 'Hello fr', y: 'Hello from the e' }, new Error('CONNECTION_CLOSED'));
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });

  it('errors the stream when its own handling throws (an eventual_response without its payload), and unsubscribes', () => {
    const malformed = { ...eventualResponse(RID, ['Hello']), data: {} } as unknown as TurnEvent;
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-x-m-y-|', { ...events, m: malformed });
      expectObservable(source.pipe(text())).toBe('---x-#', { x: 'Hello fr' }, expect.any(TypeError));
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('unsubscribes from the source when its subscriber unsubscribes', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-x-y-z-e-|', events);
      expectObservable(source.pipe(text()), '^-----!').toBe('---x-y', { x: 'Hello fr', y: 'Hello from the e' });
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('is typed TurnEvent → string', () => {
    expectTypeOf(text()).toEqualTypeOf<OperatorFunction<TurnEvent, string>>();
  });
});
