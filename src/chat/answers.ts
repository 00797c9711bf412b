import { map, type Observable } from 'rxjs';
import type { InteractionValues } from '../generated/types.js';
import type { SessionTurnRequest } from '../client/session.js';
import type { TurnContext } from '../turn/context.js';
import { chatFault, faultOf } from './faults.js';
import { SmoothTurnEndedError } from '../errors.js';
import type { ChatAnswerOutcome, ChatAsk } from './types.js';

/** What an answer needs of its turn. */
export interface AskTurn {
  readonly request: SessionTurnRequest;
  /** Found from the turn's first event. */
  context: TurnContext | undefined;
}

const accepted: ChatAnswerOutcome = { status: 'accepted' };

/**
 * Sends the answer to `ask` through its turn and reports one outcome. Every way it can end is an
 * outcome (an error is `refused`), so a UI never needs an error handler on an answer.
 */
export function answerAsk(turn: AskTurn, ask: ChatAsk, value: unknown, decline: boolean, done: (outcome: ChatAnswerOutcome) => void): void {
  const context = turn.context;
  // A dismissed code needs no frame: the turn has ended, and nothing waits on the server.
  if (ask.type === 'otp' && decline) return done(accepted);
  if (context === undefined) return done({ status: 'refused', fault: chatFault('NO_TURN_CONTEXT', 'the turn of this ask is not known', false) });
  let sent: Observable<ChatAnswerOutcome>;
  switch (ask.type) {
    case 'confirm':
      sent = mapped(context.confirm(decline ? false : value === true), () => accepted);
      break;
    case 'otp':
      sent = mapped(context.verifyOtp(String(value)), (event) => {
        if (event.type === 'otp_verified') return accepted;
        const { attemptsRemaining, message } = event.data.data;
        // No attempts left: the code is locked, the ask cannot be answered any more.
        if (attemptsRemaining <= 0) return { status: 'refused', fault: chatFault(event.data.data.error ?? 'MAX_ATTEMPTS', message ?? 'no attempts left', false) };
        return { status: 'invalid', errors: [], message, attemptsRemaining };
      });
      break;
    default: {
      const kind = ask.type === 'interaction' ? ask.kind : ask.type;
      const answer = decline ? { interactionId: ask.interactionId, kind, declined: true as const } : { interactionId: ask.interactionId, kind, values: value as InteractionValues };
      sent = mapped(context.submitInteraction(answer), (event) =>
        event.type === 'interaction_invalid' ? { status: 'invalid', errors: event.data.data.errors, message: event.data.data.message, attemptsRemaining: undefined } : accepted,
      );
    }
  }
  let outcome: ChatAnswerOutcome | undefined;
  sent.subscribe({
    next: (result) => (outcome ??= result),
    error: (error: unknown) => done({ status: 'refused', fault: faultOf(error) }),
    // Completed without an answer: the turn ended first, so the ask is moot.
    complete: () => done(outcome ?? { status: 'refused', fault: faultOf(new SmoothTurnEndedError(context.requestId)) }),
  });
}

function mapped<T>(source: Observable<T>, read: (value: T) => ChatAnswerOutcome): Observable<ChatAnswerOutcome> {
  return source.pipe(map(read));
}
