import { expectTypeOf } from 'expect-type';
import type { OperatorFunction } from 'rxjs';
import type { AgentResponse, Citation, Usage } from '../../src/generated/types.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import { finalResponse, finalResponseOf, type FinalResponse } from '../../operators/finalResponse.js';
import { CITATIONS, RID, USAGE_ONE_CALL, ack, cancelled, eventualResponse, token } from '../fixtures/events.js';
import { marbles } from './marbles.js';

const e = eventualResponse(RID, ['Hello from the engine!']);
const events = { a: ack(RID), t: token(RID, 'Hello from the engine!'), e, k: cancelled(RID) };
const expected: FinalResponse = {
  text: 'Hello from the engine!',
  parts: ['Hello from the engine!'],
  messageId: '0be651ae-30e0-4750-842c-031b4e68396d',
  citations: [],
  usage: USAGE_ONE_CALL,
  needsEscalation: false,
  escalationReason: undefined,
  directive: undefined,
  response: {
    responseParts: ['Hello from the engine!'],
    customerHappinessScore: 0.5,
    needsSatisfactionScore: 0.5,
    requestSummary: '',
    resolutionStatus: 'in_progress',
    suggestedNextActions: [],
  },
};

describe('finalResponse', () => {
  it('emits the final response on eventual_response, completes and unsubscribes at once', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-t-e---|', events);
      expectObservable(source.pipe(finalResponse())).toBe('-----(f|)', { f: expected });
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('completes without a value when the turn is cancelled', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-t-k---|', events);
      expectObservable(source.pipe(finalResponse())).toBe('-----|');
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('completes without a value when the source completes first', () => {
    marbles(({ cold, expectObservable }) => {
      expectObservable(cold<TurnEvent>('-a-t-|', events).pipe(finalResponse())).toBe('-----|');
    });
  });

  it('passes an error before the end through at the frame it happens', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-t-#', events, new Error('LLM_UNAVAILABLE'));
      expectObservable(source.pipe(finalResponse())).toBe('-----#', undefined, new Error('LLM_UNAVAILABLE'));
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('unsubscribes from the source when its subscriber unsubscribes', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-t-e-|', events);
      expectObservable(source.pipe(finalResponse()), '^--!').toBe('---');
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('reads every field, joining the parts with a newline', () => {
    const full = eventualResponse(RID, ['Your order has shipped.', 'It arrives Tuesday.'], {
      messageId: '8a201a74-9e7e-4ef2-9510-d25a711581da',
      citations: CITATIONS,
      needsEscalation: true,
      escalationReason: 'Customer asked for a refund over the limit',
      directive: { action: 'open_ticket', priority: 'high' },
    });
    expect(finalResponseOf(full)).toEqual({
      text: 'Your order has shipped.\nIt arrives Tuesday.',
      parts: ['Your order has shipped.', 'It arrives Tuesday.'],
      messageId: '8a201a74-9e7e-4ef2-9510-d25a711581da',
      citations: CITATIONS,
      usage: USAGE_ONE_CALL,
      needsEscalation: true,
      escalationReason: 'Customer asked for a refund over the limit',
      directive: { action: 'open_ticket', priority: 'high' },
      response: full.data.data.response,
    });
    expect(finalResponseOf(full).response).toBe(full.data.data.response);
  });

  it('normalises absent and null optional fields', () => {
    const bare = eventualResponse(RID, [], { escalationReason: null, directive: null });
    delete bare.data.data.needsEscalation;
    delete bare.data.data.usage;
    delete bare.data.data.messageId;
    const result = finalResponseOf(bare);
    expect(result).toEqual(expect.objectContaining({ text: '', parts: [], citations: [], needsEscalation: false }));
    expect(result.usage).toBeUndefined();
    expect(result.messageId).toBeUndefined();
    expect(result.escalationReason).toBeUndefined();
    expect(result.directive).toBeUndefined();
  });

  it('is typed TurnEvent → FinalResponse', () => {
    expectTypeOf(finalResponse()).toEqualTypeOf<OperatorFunction<TurnEvent, FinalResponse>>();
    expectTypeOf<FinalResponse['text']>().toEqualTypeOf<string>();
    expectTypeOf<FinalResponse['citations']>().toEqualTypeOf<readonly Citation[]>();
    expectTypeOf<FinalResponse['usage']>().toEqualTypeOf<Usage | undefined>();
    expectTypeOf<FinalResponse['needsEscalation']>().toEqualTypeOf<boolean>();
    expectTypeOf<FinalResponse['escalationReason']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<FinalResponse['response']>().toEqualTypeOf<AgentResponse>();
  });
});
