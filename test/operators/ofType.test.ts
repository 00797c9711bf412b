import { expectTypeOf } from 'expect-type';
import { map, type Observable, type OperatorFunction } from 'rxjs';
import type {
  PongEvent,
  ProtocolErrorEvent,
  ServerEvent,
  StreamChunkEvent,
  StreamReasoningEvent,
  StreamTokenEvent,
} from '../../src/generated/types.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import { ofType, type EventOfType } from '../../operators/ofType.js';
import { RID, ack, eventualResponse, reasoningPiece, token, toolCall } from '../fixtures/events.js';
import { marbles } from './marbles.js';

const events = {
  a: ack(RID),
  r: reasoningPiece(RID, 'The user greets me.'),
  t: token(RID, 'Hello fr'),
  u: token(RID, 'om the engine!'),
  c: toolCall(RID, 'lookup_order', { id: '123' }),
  e: eventualResponse(RID, ['Hello from the engine!']),
};

describe('ofType', () => {
  it('lets through only the events of one type, in order', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-r-t-c-u-e-|', events);
      expectObservable(source.pipe(ofType('stream_token'))).toBe('-----t---u---|', events);
      expectSubscriptions(source.subscriptions).toBe('^------------!');
    });
  });

  it('lets through the events of any of several types', () => {
    marbles(({ cold, expectObservable }) => {
      const source = cold<TurnEvent>('-a-r-t-c-u-e-|', events);
      expectObservable(source.pipe(ofType('stream_token', 'stream_reasoning', 'eventual_response'))).toBe(
        '---r-t---u-e-|',
        events,
      );
    });
  });

  it('passes an error through at the frame it happens', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-t-r-#', events, new Error('socket closed'));
      expectObservable(source.pipe(ofType('stream_token'))).toBe('---t---#', events, new Error('socket closed'));
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });

  it('unsubscribes from the source when its subscriber unsubscribes', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-t-u-e-|', events);
      expectObservable(source.pipe(ofType('stream_token')), '^----!').toBe('---t--', events);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('works on every server event, not only turn events', () => {
    const error: ProtocolErrorEvent = {
      type: 'error',
      requestId: 'r-orphan',
      error: { code: 'SESSION_NOT_FOUND', message: "session '0' not found" },
      data: { requestId: 'r-orphan', error: { code: 'SESSION_NOT_FOUND', message: "session '0' not found" } },
    };
    const pong: PongEvent = { type: 'pong', timestamp: 1795477283829 };
    marbles(({ cold, expectObservable }) => {
      const source = cold<ServerEvent>('-a-x-p-t-|', { ...events, x: error, p: pong });
      expectObservable(source.pipe(ofType('error', 'pong'))).toBe('---x-p---|', { x: error, p: pong });
    });
  });

  it('works on a union of its own', () => {
    type Action = { type: 'open'; url: string } | { type: 'close'; code: number };
    marbles(({ cold, expectObservable }) => {
      const values: Record<string, Action> = { o: { type: 'open', url: '/ws' }, c: { type: 'close', code: 1000 } };
      expectObservable(cold<Action>('-o-c-o-|', values).pipe(ofType('close'))).toBe('---c---|', values);
    });
  });

  it('narrows to exactly the named event types (checked by tsc)', () => {
    const check = (turn$: Observable<TurnEvent>, server$: Observable<ServerEvent>) => {
      expectTypeOf(turn$.pipe(ofType('stream_token'))).toEqualTypeOf<Observable<StreamTokenEvent>>();
      expectTypeOf(turn$.pipe(ofType('stream_token', 'stream_reasoning'))).toEqualTypeOf<
        Observable<StreamTokenEvent | StreamReasoningEvent>
      >();
      expectTypeOf(turn$.pipe(ofType('stream_chunk'), map((event) => event.data.state?.rawResponse?.toolCall?.name))).toEqualTypeOf<
        Observable<string | undefined>
      >();
      expectTypeOf(server$.pipe(ofType('error', 'pong'))).toEqualTypeOf<Observable<ProtocolErrorEvent | PongEvent>>();
      expectTypeOf(ofType<TurnEvent, 'stream_chunk'>('stream_chunk')).toEqualTypeOf<OperatorFunction<TurnEvent, StreamChunkEvent>>();
      expectTypeOf<EventOfType<{ type: string; payload: number }, 'x'>>().toEqualTypeOf<{ type: string; payload: number } & { type: 'x' }>();

      // @ts-expect-error: not an event type
      turn$.pipe(ofType('stream_tokens'));
      // @ts-expect-error: errors never reach a turn stream (raised as errors)
      turn$.pipe(ofType('error'));
      // @ts-expect-error: at least one type is required
      turn$.pipe(ofType());
      // @ts-expect-error: a plain string is not a known type
      turn$.pipe(ofType('stream_token' as string));
    };
    expect(typeof check).toBe('function');
  });
});
