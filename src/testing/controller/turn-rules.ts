/**
 * Which frames a server would send on a turn now, and what each does to it: read from the
 * protocol's rule table (src/turn/rules.ts), so a new ask or reject type changes the controller's
 * turns as it changes the client's, not only the client's.
 */
import type { ConfirmToolActionAction, ServerEvent, SubmitInteractionAction } from '../../generated/types.js';
import { ROLES, endsTurn, isAnswer, parksTurn, refusesResume, rejectsAnswer, resumesTurn, startsTurn, type TypesOf } from '../../turn/rules.js';
import type { Parked, Recorded, TurnEnding, TurnProgress } from './handle.js';

/** An event type that parks a turn on a human. */
export type Ask = TypesOf<'ask'>;

/** A client action that answers a park. */
export type ResumeAction = ConfirmToolActionAction | SubmitInteractionAction;

type AskEvent<T extends Ask> = Extract<ServerEvent, { type: T }>;

interface AskRule<T extends Ask> {
  /** The client action that answers it. */
  readonly answer: ResumeAction['action'];
  /** How a test acks that answer. */
  readonly ack: string;
  /** How messages name it: "a write confirmation". */
  readonly noun: string;
  subject(frame: AskEvent<T>): string;
  /** The gated tool, which runs only if the client approves. */
  gated(frame: AskEvent<T>): string | undefined;
}

/** How each ask is answered: a new ask type fails to compile here until it is described. */
const ASKS: { readonly [T in Ask]: AskRule<T> } = {
  write_confirmation_required: {
    answer: 'confirm_tool_action',
    ack: 'expectConfirm().ack()',
    noun: 'a write confirmation',
    subject: (frame) => `'${frame.data.data.toolId}'`,
    gated: (frame) => frame.data.data.toolId,
  },
  interaction_required: {
    answer: 'submit_interaction',
    ack: 'expectSubmit().ack()',
    noun: 'an interaction',
    subject: (frame) => `${frame.data.data.kind} ${frame.data.data.interactionId}`,
    gated: () => undefined,
  },
};

/** The client action that answers a park on `ask`. */
export function answerOf(ask: Ask): ResumeAction['action'] {
  return ASKS[ask].answer;
}

/** The ask a client action answers, if it answers one. */
export function askAnsweredBy(action: string): Ask | undefined {
  return (Object.keys(ASKS) as Ask[]).find((ask) => ASKS[ask].answer === action);
}

/** How messages name the ask: "a write confirmation". */
export function nounOf(ask: Ask): string {
  return ASKS[ask].noun;
}

/**
 * Why a server would not send `frame` now, if it would not: nothing of a turn goes before its
 * 202 (an error may answer the `send_message` instead); a refused form answers a pending submit
 * only; a tool the client denied does not run; and a parked turn goes on only once the client's
 * answer was acked: until then only its ending, the parked tool's call (a chunk that does not
 * resume) and the answers to a pending resume may follow.
 * @param pending Whether the client sent an answer to the park that was not answered yet.
 */
export function refusalOf(frame: ServerEvent, turn: TurnProgress, pending: boolean): string | undefined {
  if (!turn.accepted && !startsTurn(frame) && frame.type !== 'error') {
    return 'the turn was not accepted: a server acks a send_message with a 202 (accept()) before any frame of the turn; only error() may answer it instead';
  }
  const parked = turn.parked;
  if (rejectsAnswer(frame) && !pending) {
    const awaited = parked === undefined ? 'the turn is not parked' : `no ${answerOf(parked.ask)} of the client is waiting for its answer`;
    return `it answers a form the client submitted and that was not answered yet; ${awaited}`;
  }
  const ran = resultOf(frame);
  if (ran !== undefined && ran.name === turn.denied && !ran.isError) {
    return `the client denied '${ran.name}' (approved: false): a server does not run it, its result is an error ("Denied by human: user rejected the action"; toolResult(name, text, true))`;
  }
  // Any ending but the answer itself, which needs the turn resumed first.
  if (parked === undefined || (endsTurn(frame.type) && effectOf(frame) !== 'responded')) return undefined;
  if (pending && (isAnswer(frame) || rejectsAnswer(frame))) return undefined;
  if (ROLES[frame.type] === 'chunk' && !resumesTurn(frame)) return undefined;
  const rule = ASKS[parked.ask];
  return `the turn is parked on ${parked.ask} (${parked.subject}) until the client's ${rule.answer} (answer it with ${rule.ack}); a real server keeps it parked until then`;
}

/**
 * What a frame does to the turn: accepts, ends or parks it, or answers `pending` (the client's
 * answer to its park): an ack resumes the turn, a refusal (a refused form, a resume's error code)
 * leaves it parked for another answer.
 */
export function apply(turn: TurnProgress, frame: ServerEvent, pending: Recorded<ResumeAction> | undefined, at: number, after: number): void {
  if (pending !== undefined) {
    if (isAnswer(frame)) return resume(turn, pending);
    if (rejectsAnswer(frame) || (frame.type === 'error' && refusesResume(frame.error?.code ?? frame.data.error.code))) {
      pending.answered = true;
      return;
    }
  }
  const effect = effectOf(frame);
  if (effect === 'accept') turn.accepted = true;
  else if (effect !== undefined) turn.ended = effect;
  const parked = parkOf(frame, at, after);
  if (parked !== undefined) turn.parked = parked;
}

/** The client's answer was acked: the turn goes on, and a denied tool stays unrun. */
export function resume(turn: TurnProgress, answer: Recorded<ResumeAction>): void {
  answer.answered = true;
  if (answer.action.action === 'confirm_tool_action' && !answer.action.approved) turn.denied = turn.parked?.tool;
  turn.parked = undefined;
}

function parkOf(frame: ServerEvent, at: number, after: number): Parked | undefined {
  if (!parksTurn(frame)) return undefined;
  return describe(frame.type as Ask, frame as AskEvent<Ask>, at, after);
}

function describe<T extends Ask>(ask: T, frame: AskEvent<T>, at: number, after: number): Parked {
  const rule: AskRule<T> = ASKS[ask];
  return { ask, subject: rule.subject(frame), tool: rule.gated(frame), at, after };
}

function resultOf(frame: ServerEvent): { name: string; isError: boolean } | undefined {
  if (ROLES[frame.type] !== 'chunk' || !resumesTurn(frame)) return undefined;
  const result = (frame as Extract<ServerEvent, { type: TypesOf<'chunk'> }>).data.state?.rawResponse?.toolResult;
  return result === undefined ? undefined : { name: result.name, isError: result.isError === true };
}

function effectOf(frame: ServerEvent): 'accept' | TurnEnding | undefined {
  if (startsTurn(frame)) return 'accept';
  if (!endsTurn(frame.type)) return undefined;
  return frame.type === 'eventual_response' ? 'responded' : frame.type;
}
