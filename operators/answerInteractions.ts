import { defaultIfEmpty, defer, take, type MonoTypeOperatorFunction } from 'rxjs';
import type {
  ChoicesSpec,
  ChoicesValues,
  IdentityIntakeSpec,
  IdentityIntakeValues,
  InteractionFieldError,
  InteractionRequest,
  InteractionRequiredEvent,
  InteractionValues,
} from '../src/generated/types.js';
import type { AnyInteractionValues, TurnContext } from '../src/turn/context.js';
import type { TurnEvent } from '../src/turn/turn-event.js';
import { fromAnswer, type Answerable } from './internal/answer.js';
import { answerAsks } from './internal/ask.js';

/** An interaction the agent asks for, as a handler sees it. */
export interface InteractionAsk<Spec> {
  readonly interactionId: string;
  readonly kind: string;
  /** The form to fill; typed for the known kinds (validated against spec/ on arrival). */
  readonly spec: Spec;
  readonly reason: string | undefined;
  /** 1 on the first call; +1 after each `interaction_invalid`. */
  readonly attempt: number;
  /** The server's field errors of the previous attempt; `[]` on the first. */
  readonly errors: readonly InteractionFieldError[];
  readonly event: InteractionRequiredEvent;
}

/** A handler's answer: the values, or a decline (the agent carries on without them). */
export type InteractionReply<Values> = { readonly values: Values } | { readonly declined: true };

export type InteractionHandler<Spec, Values> = (ask: InteractionAsk<Spec>) => Answerable<InteractionReply<Values>>;

/** Handlers per interaction kind. */
export interface InteractionHandlers {
  /** Contact details (capability `identity_form`). */
  identity_intake?: InteractionHandler<IdentityIntakeSpec, IdentityIntakeValues>;
  /** Multiple-choice questions (capability `choice_chips`). */
  choices?: InteractionHandler<ChoicesSpec, ChoicesValues>;
  /** Handlers of any other kind, by kind name. */
  other?: { readonly [kind: string]: InteractionHandler<InteractionRequest['spec'], InteractionValues> };
}

export interface AnswerInteractionsOptions {
  /**
   * A kind with no handler: `'decline'` answers `declined: true` so the turn goes on; `'leave'`
   * sends nothing and leaves the ask to the caller (the turn stays parked until answered with
   * `turnOf(event).submitInteraction(...)` or stopped).
   * @default 'decline'
   */
  unhandled?: 'decline' | 'leave';
  /**
   * How many times to ask a handler for one interaction while the server answers
   * `interaction_invalid`; after that the interaction is declined.
   * @default 3
   */
  maxAttempts?: number;
}

/**
 * Answers the agent's interactions (forms, choices) inside the stream, resubmitting while the
 * server finds the values invalid.
 *
 * On `interaction_required` it calls the handler of the kind with the spec (on a retry also
 * the server's field errors) and sends `submit_interaction` with the values it returns, or a
 * decline. The server's `interaction_invalid` and the ack, then the resumed events, continue in
 * the same stream.
 *
 * What a handler does decides the outcome (its first value counts):
 * - returns `{ values }` or `{ declined: true }` (now, as a Promise or an Observable): sent;
 * - completes without a value (a dismissed form): declined (`declined: true`);
 * - throws or errors: the stream errors with that error, which cancels the turn;
 * - never emits: the turn stays parked until the server resumes it by itself (servers answer
 *   `no_response` after about 300 s) or the stream is unsubscribed.
 *
 * No handler is called when the consumer left at the ask (e.g. `takeWhile(…, true)`), nor for an
 * event without a turn context (a copy): that errors the stream with `SmoothNoTurnContextError`.
 * An ask resolved without us (the server resumed the park by itself, or the turn ended)
 * unsubscribes a handler still pending, and nothing is sent; a submit the server then refuses as
 * moot (`NO_PENDING_INTERACTION`, `INTERACTION_MISMATCH` after the turn went on) is not an error
 * of the stream. Any other error answering a submit (e.g. `INTERACTION_MISMATCH` while still
 * parked) errors the stream, which cancels the turn.
 *
 * ```
 * turn:     -a-i-k------v------o-r-t-e|
 * handler:     (i) --{x}|          (attempt 1)
 *                 ↳ submit_interaction   ↳ interaction_invalid
 *                          (v) --{y}|    (attempt 2, with the field errors)
 *                              ↳ submit_interaction → 200 ack, the turn resumes
 * result:   -a-i-k------v------o-r-t-e|
 *
 * a: 202 ack   i: interaction_required   k: toolCall chunk   v: interaction_invalid
 * o: 200 ack   r: toolResult chunk   t: token   e: eventual_response
 * ```
 *
 * @example
 * client.turn({ sessionId, message: 'Send me a quote' }).pipe(
 *   answerInteractions({
 *     identity_intake: async (ask) => ({ values: await contactForm.open(ask.spec, ask.errors) }),
 *     choices: (ask) => ({ values: { answers: ask.spec.questions.map((q) => ({ header: q.header, options: [q.options[0].label] })) } }),
 *   }),
 *   transcript(),
 * ).subscribe(render);
 */
export function answerInteractions(handlers: InteractionHandlers, options: AnswerInteractionsOptions = {}): MonoTypeOperatorFunction<TurnEvent> {
  const { unhandled = 'decline', maxAttempts = 3 } = options;
  return answerAsks('interaction_required', (event) => {
    const request = event.data.data;
    const handler = handlerOf(handlers, request.kind);
    if (handler === undefined && unhandled === 'leave') return undefined;
    return (ask, context) => {
      // Values the server finds invalid are asked for again; a decline is final.
      const answer = (reply: InteractionReply<AnyInteractionValues>, n: number) =>
        ask.send(submit(context, request, reply), 'declined' in reply ? undefined : (outcome) => {
          if (outcome.type === 'interaction_invalid') attempt(n + 1, outcome.data.data.errors);
        });
      const attempt = (n: number, errors: readonly InteractionFieldError[]): void => {
        if (handler === undefined || n > maxAttempts) return answer(DECLINED, n);
        const view: InteractionAsk<never> = { interactionId: request.interactionId, kind: request.kind, spec: request.spec as never, reason: request.reason, attempt: n, errors, event };
        // defer: a handler that throws errors the stream (cancelling the turn) instead of escaping.
        const reply$ = defer(() => fromAnswer(handler(view))).pipe(take(1), defaultIfEmpty(DECLINED));
        ask.decide(reply$, (reply) => answer(reply, n));
      };
      attempt(1, []);
    };
  });
}

const DECLINED: InteractionReply<never> = { declined: true };

type AnyHandler = (ask: InteractionAsk<never>) => Answerable<InteractionReply<AnyInteractionValues>>;

function handlerOf(handlers: InteractionHandlers, kind: string): AnyHandler | undefined {
  if (kind === 'identity_intake') return handlers.identity_intake as AnyHandler | undefined;
  if (kind === 'choices') return handlers.choices as AnyHandler | undefined;
  return Object.prototype.hasOwnProperty.call(handlers.other ?? {}, kind) ? (handlers.other?.[kind] as AnyHandler) : undefined;
}

function submit(context: TurnContext, request: InteractionRequest, reply: InteractionReply<AnyInteractionValues>) {
  const base = { interactionId: request.interactionId, kind: request.kind };
  return context.submitInteraction('declined' in reply ? { ...base, declined: true } : { ...base, values: reply.values });
}
