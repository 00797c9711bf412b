/**
 * What the mock server adds to the shared frame builders (`../frames.ts`): the usage of its
 * scripted model and the `eventual_response` that sums it over a turn's model calls.
 */
import type { Citation, EventualResponseEvent } from '../../generated/types.js';
import { eventualFrame } from '../frames.js';

/** Usage one scripted model call reports. */
export const USAGE_PER_CALL = { promptTokens: 10, completionTokens: 5, costMicroUsd: 35 } as const;

export interface TurnOutcome {
  readonly messageId: string;
  readonly text: string;
  /** Model calls made by the turn; usage is summed over them. */
  readonly modelCalls: number;
  /** Present only when the server has knowledge documents. */
  readonly citations?: Citation[];
}

/** `eventual_response` of a mock turn: usage is `USAGE_PER_CALL` times the turn's model calls. */
export function eventualResponse(requestId: string, outcome: TurnOutcome): EventualResponseEvent {
  const calls = outcome.modelCalls;
  return eventualFrame(requestId, {
    messageId: outcome.messageId,
    text: outcome.text,
    usage: {
      // Integer micro-dollars first: 3 × 3.5e-05 must be 0.000105, not 0.00010500000000000001.
      costUsd: (calls * USAGE_PER_CALL.costMicroUsd) / 1e6,
      promptTokens: calls * USAGE_PER_CALL.promptTokens,
      completionTokens: calls * USAGE_PER_CALL.completionTokens,
    },
    ...(outcome.citations === undefined ? {} : { citations: outcome.citations }),
  });
}
