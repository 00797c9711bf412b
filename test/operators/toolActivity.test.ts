import { expectTypeOf } from 'expect-type';
import { from, lastValueFrom, toArray, type OperatorFunction } from 'rxjs';
import type { StreamChunkEvent, ToolCall, ToolResult } from '../../src/generated/types.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import { toolActivity, type ToolActivity } from '../../operators/toolActivity.js';
import { RID, ack, cancelled, confirmAck, eventualResponse, token, toolCall, toolResult, writeConfirmation } from '../fixtures/events.js';
import { marbles } from './marbles.js';

const lookupCall: ToolCall = { name: 'lookup_order', arguments: { id: '123' } };
const lookupResult: ToolResult = { name: 'lookup_order', isError: false, result: 'Order 123: shipped, arrives Tuesday.' };

describe('toolActivity', () => {
  it('emits a running activity when a call starts and a succeeded one when its result arrives (tool turn)', () => {
    const events = {
      a: ack(RID),
      c: toolCall(RID, 'lookup_order', { id: '123' }),
      r: toolResult(RID, 'lookup_order', 'Order 123: shipped, arrives Tuesday.'),
      t: token(RID, 'Your order 123 has shipped.'),
      e: eventualResponse(RID, ['Your order 123 has shipped.']),
    };
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-c-r-t-e-|', events);
      expectObservable(source.pipe(toolActivity())).toBe('---s-d-----|', {
        s: { name: 'lookup_order', node: 'lookup_order', call: lookupCall, status: 'running' },
        d: { name: 'lookup_order', node: 'lookup_order', call: lookupCall, result: lookupResult, status: 'succeeded' },
      });
      expectSubscriptions(source.subscriptions).toBe('^----------!');
    });
  });

  it('reports a tool denied by a human as failed', () => {
    const denied: ToolResult = { name: 'delete_record', isError: true, result: 'Denied by human: user rejected the action' };
    const events = {
      a: ack(RID),
      w: writeConfirmation(RID, 'delete_record'),
      c: toolCall(RID, 'delete_record', { id: '42' }),
      k: confirmAck('r-confirm', false),
      r: toolResult(RID, 'delete_record', denied.result, true),
    };
    marbles(({ cold, expectObservable }) => {
      const source = cold<TurnEvent>('-a-w-c-k-r-|', events);
      const call: ToolCall = { name: 'delete_record', arguments: { id: '42' } };
      expectObservable(source.pipe(toolActivity())).toBe('-----s---f-|', {
        s: { name: 'delete_record', node: 'delete_record', call, status: 'running' },
        f: { name: 'delete_record', node: 'delete_record', call, result: denied, status: 'failed' },
      });
    });
  });

  it('pairs each result with the oldest running call of the same name', () => {
    const events = {
      c: toolCall(RID, 'lookup_order', { id: '1' }),
      d: toolCall(RID, 'lookup_order', { id: '2' }),
      g: toolCall(RID, 'get_weather', { city: 'Oslo' }),
      w: toolResult(RID, 'get_weather', 'Rain'),
      r: toolResult(RID, 'lookup_order', 'Order 1: shipped'),
      s: toolResult(RID, 'lookup_order', 'Order 2: lost', true),
    };
    const one: ToolCall = { name: 'lookup_order', arguments: { id: '1' } };
    const two: ToolCall = { name: 'lookup_order', arguments: { id: '2' } };
    const oslo: ToolCall = { name: 'get_weather', arguments: { city: 'Oslo' } };
    marbles(({ cold, expectObservable }) => {
      const source = cold<TurnEvent>('-c-d-g-w-r-s-|', events);
      expectObservable(source.pipe(toolActivity())).toBe('-C-D-G-W-R-S-|', {
        C: { name: 'lookup_order', node: 'lookup_order', call: one, status: 'running' },
        D: { name: 'lookup_order', node: 'lookup_order', call: two, status: 'running' },
        G: { name: 'get_weather', node: 'get_weather', call: oslo, status: 'running' },
        W: { name: 'get_weather', node: 'get_weather', call: oslo, result: { name: 'get_weather', isError: false, result: 'Rain' }, status: 'succeeded' },
        R: { name: 'lookup_order', node: 'lookup_order', call: one, result: { name: 'lookup_order', isError: false, result: 'Order 1: shipped' }, status: 'succeeded' },
        S: { name: 'lookup_order', node: 'lookup_order', call: two, result: { name: 'lookup_order', isError: true, result: 'Order 2: lost' }, status: 'failed' },
      });
    });
  });

  it('still reports a result that came without a call', () => {
    marbles(({ cold, expectObservable }) => {
      const source = cold<TurnEvent>('-r-|', { r: toolResult(RID, 'lookup_order', lookupResult.result) });
      expectObservable(source.pipe(toolActivity())).toBe('-o-|', {
        o: { name: 'lookup_order', node: 'lookup_order', call: { name: 'lookup_order' }, result: lookupResult, status: 'succeeded' },
      });
    });
  });

  it('reports a call and a result carried by one chunk, in that order', () => {
    const both: StreamChunkEvent = {
      type: 'stream_chunk',
      requestId: RID,
      data: { requestId: RID, node: 'request_choices', state: { rawResponse: { toolCall: { name: 'request_choices' }, toolResult: { name: 'request_choices', isError: false, result: '{"mode":"conversational"}' } } } },
    };
    marbles(({ cold, expectObservable }) => {
      const call: ToolCall = { name: 'request_choices' };
      expectObservable(cold<TurnEvent>('-b----|', { b: both }).pipe(toolActivity())).toBe('-(sd)-|', {
        s: { name: 'request_choices', node: 'request_choices', call, status: 'running' },
        d: { name: 'request_choices', node: 'request_choices', call, result: { name: 'request_choices', isError: false, result: '{"mode":"conversational"}' }, status: 'succeeded' },
      });
    });
  });

  it('ignores chunks without tool activity', () => {
    const structured: StreamChunkEvent = { type: 'stream_chunk', requestId: RID, node: 'respond', data: { node: 'respond', state: { structuredResponse: { responseParts: ['Hi'] } } } };
    const nullRaw: StreamChunkEvent = { type: 'stream_chunk', requestId: RID, node: 'agent', data: { state: { rawResponse: null } } };
    marbles(({ cold, expectObservable }) => {
      const source = cold<TurnEvent>('-a-s-n-t-e-|', { a: ack(RID), s: structured, n: nullRaw, t: token(RID, 'Hi'), e: eventualResponse(RID, ['Hi']) });
      expectObservable(source.pipe(toolActivity())).toBe('-----------|');
    });
  });

  it('emits a new object for the result, carrying the same call object', async () => {
    const activities = await lastValueFrom(
      from<TurnEvent[]>([toolCall(RID, 'lookup_order', { id: '123' }), toolResult(RID, 'lookup_order', 'ok')]).pipe(toolActivity(), toArray()),
    );
    const [started, finished] = activities as [ToolActivity, ToolActivity];
    expect(finished).not.toBe(started);
    expect(finished.call).toBe(started.call);
    expect(started.status).toBe('running');
    expect(started.result).toBeUndefined();
  });

  it('passes a cancelled turn through, leaving an unanswered call running', () => {
    marbles(({ cold, expectObservable }) => {
      const source = cold<TurnEvent>('-c-k|', { c: toolCall(RID, 'lookup_order', { id: '123' }), k: cancelled(RID) });
      expectObservable(source.pipe(toolActivity())).toBe('-s--|', {
        s: { name: 'lookup_order', node: 'lookup_order', call: lookupCall, status: 'running' },
      });
    });
  });

  it('passes an error through at the frame it happens', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-c-#', { a: ack(RID), c: toolCall(RID, 'lookup_order', { id: '123' }) }, new Error('TURN_TIMEOUT'));
      expectObservable(source.pipe(toolActivity())).toBe(
        '---s-#',
        { s: { name: 'lookup_order', node: 'lookup_order', call: lookupCall, status: 'running' } },
        new Error('TURN_TIMEOUT'),
      );
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('unsubscribes from the source when its subscriber unsubscribes', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-c-r-|', { c: toolCall(RID, 'lookup_order', { id: '123' }), r: toolResult(RID, 'lookup_order', 'ok') });
      expectObservable(source.pipe(toolActivity()), '^--!').toBe('-s-', {
        s: { name: 'lookup_order', node: 'lookup_order', call: lookupCall, status: 'running' },
      });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('is typed TurnEvent → ToolActivity', () => {
    expectTypeOf(toolActivity()).toEqualTypeOf<OperatorFunction<TurnEvent, ToolActivity>>();
    expectTypeOf<ToolActivity['status']>().toEqualTypeOf<'running' | 'succeeded' | 'failed'>();
    expectTypeOf<ToolActivity['call']>().toEqualTypeOf<ToolCall>();
    expectTypeOf<ToolActivity['result']>().toEqualTypeOf<ToolResult | undefined>();
  });
});
