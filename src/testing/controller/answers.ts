/**
 * Which of the client's answers (`confirm_tool_action`, `submit_interaction`) a parked turn waits
 * for: servers find a park by session, and only an answer sent after the ask answers it.
 */
import type { SendMessageAction } from '../../generated/types.js';
import type { Recorded, TurnProgress } from './handle.js';
import { answerOf, askAnsweredBy, nounOf, type ResumeAction } from './turn-rules.js';

/** The running turn parked on `answer`'s ask in its session on its socket, asked before `answer` was sent and not answered since. */
export function awaiting(log: readonly Recorded[], answer: Recorded<ResumeAction>): Recorded<SendMessageAction> | undefined {
  if (answer.answered) return undefined;
  return parkedOn(log, answer).find((e) => e.turn?.parked !== undefined && e.turn.parked.after <= answer.seq);
}

/** Why no park waits for `answer`, if none does. */
export function unawaited(log: readonly Recorded[], answer: Recorded<ResumeAction>): string | undefined {
  if (awaiting(log, answer) !== undefined) return undefined;
  const { action } = answer;
  const ask = askAnsweredBy(action.action);
  const noun = ask === undefined ? 'an ask' : nounOf(ask);
  if (parkedOn(log, answer).length === 0) return `no turn of session ${action.sessionId} is parked on ${noun} on this connection`;
  if (answer.answered) return `this ${action.action} was answered already`;
  return `the turn of session ${action.sessionId} parked on ${noun} only after this ${action.action} was sent, so it answers nothing`;
}

/** The running turns of `answer`'s session on its socket parked on the ask it answers (servers find a park by session). */
function parkedOn(log: readonly Recorded[], answer: Recorded<ResumeAction>): Array<Recorded<SendMessageAction>> {
  const ask = askAnsweredBy(answer.action.action);
  return log.filter(
    (e): e is Recorded<SendMessageAction> =>
      e.socket === answer.socket && e.action.action === 'send_message' && e.action.sessionId === answer.action.sessionId && e.turn?.ended === undefined && e.turn?.parked?.ask === ask,
  );
}

/** The client's answer to `turn`'s park that the server has not answered yet. */
export function pendingAnswer(log: readonly Recorded[], turn: Recorded<SendMessageAction>, progress: TurnProgress, answered: ReadonlySet<Recorded>): Recorded<ResumeAction> | undefined {
  const parked = progress.parked;
  if (parked === undefined) return undefined;
  const kind = answerOf(parked.ask);
  return log.find(
    (e): e is Recorded<ResumeAction> =>
      e.socket === turn.socket && e.action.action === kind && e.action.sessionId === turn.action.sessionId && e.seq >= parked.after && !e.answered && !answered.has(e),
  );
}
