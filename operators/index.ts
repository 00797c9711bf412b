/**
 * `smooth-operator-rx/operators`: RxJS operators shaping a turn stream (`client.turn(…)`, an
 * `Observable<TurnEvent>`) into what an app shows.
 *
 * Every operator keeps rxjs's own contract: the source's error and completion pass on (unless
 * its TSDoc says otherwise), a throw while handling an event (a malformed event) or in a callback
 * errors the stream and unsubscribes the source, and unsubscribing tears down the source and
 * whatever the operator runs for it (a dialog, a form, a code prompt, an answer being sent).
 */

// Selecting events
export { ofType, type EventOfType } from './ofType.js';

// The answer and its side channels
export { tokens } from './tokens.js';
export { text } from './text.js';
export { reasoning } from './reasoning.js';
export { preamble } from './preamble.js';
export { toolActivity, type ToolActivity } from './toolActivity.js';

// The end of the turn
export { finalResponse, finalResponseOf, type FinalResponse } from './finalResponse.js';
export { citations } from './citations.js';
export { usage } from './usage.js';

// A whole turn, UI-ready
export {
  transcript,
  type PendingAsk,
  type PendingInteraction,
  type PendingOtp,
  type PendingWriteConfirmation,
  type TranscriptStatus,
  type TurnTranscript,
} from './transcript.js';

// Answering the agent (human in the loop)
export type { Answerable } from './internal/answer.js';
export { confirmWrites, ConfirmDecisionTimeoutError, type ConfirmWritesOptions } from './confirmWrites.js';
export {
  answerInteractions,
  type AnswerInteractionsOptions,
  type InteractionAsk,
  type InteractionHandler,
  type InteractionHandlers,
  type InteractionReply,
} from './answerInteractions.js';
export { verifyOtp, type OtpAsk } from './verifyOtp.js';
