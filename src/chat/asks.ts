import { Observable, ReplaySubject, of } from 'rxjs';
import { SmoothConnectionLostError, SmoothProtocolError, SmoothTurnEndedError } from '../errors.js';
import { answerAsk, type AskTurn } from './answers.js';
import { chatFault } from './faults.js';
import { withAskStatus } from './reduce.js';
import type { ChatAnswerOutcome, ChatAsk, ChatAssistantMessage } from './types.js';

/** A turn as the asks see it: the answer it lists, where its ask lives. */
export interface AskingTurn extends AskTurn {
  assistant: ChatAssistantMessage | undefined;
}

/** What the asks need of their chat. */
export interface AskHost<T extends AskingTurn> {
  closed(): boolean;
  /** Lists `after` in place of the turn's answer (and tells the asks if its ask changed). */
  update(turn: T, after: ChatAssistantMessage): void;
  /** Something changed: a snapshot is due. */
  changed(): void;
  /** A code was verified: the turn's message goes again. */
  resend(turn: T): void;
}

/** Answers kept for a second `answer()` of the same ask: the newest ones (a chat answers a few asks at a time). */
const OUTCOMES_KEPT = 16;

/**
 * The chat's asks: which one waits for the user, which turn each belongs to, the outcome of each
 * answer (so that answering twice gives the first outcome), and the codes being verified.
 */
export class ChatAsks<T extends AskingTurn> {
  /** The ask that waits for the user. */
  pending: ChatAsk | undefined;
  /** Turns whose one-time code is being verified: their re-send waits on it. */
  readonly verifying = new Set<T>();
  /** Asks still answerable, by id: their turn (for the answer and the message holding them). */
  private readonly turns = new Map<string, T>();
  private readonly outcomes = new Map<string, Observable<ChatAnswerOutcome>>();
  /** Bumped by `clear()`: an answer of an earlier conversation still reports its outcome, but changes nothing. */
  private era = 0;

  constructor(private readonly host: AskHost<T>) {}

  /** `newConversation()`: nothing of the old conversation can be answered any more. */
  clear(): void {
    this.era++;
    this.pending = undefined;
    this.verifying.clear();
    this.turns.clear();
    this.outcomes.clear();
  }

  /** The turn's answer now lists `ask` (a new one, or a new status). */
  changed(turn: T, ask: ChatAsk | undefined): void {
    if (ask === undefined) return;
    if (ask.status === 'pending') {
      // A newer ask replaces a code left unanswered: one ask waits at a time.
      const older = this.pending;
      if (older !== undefined && older.id !== ask.id && older.type === 'otp') this.interrupt(older);
      this.turns.set(ask.id, turn);
      this.pending = ask;
      return;
    }
    // An answered OTP ask keeps its entry until its re-send started; others are done.
    if (ask.type !== 'otp' || ask.status !== 'answered') this.turns.delete(ask.id);
    if (this.pending?.id === ask.id) this.pending = undefined;
  }

  /** Ends an ask that is still listed as pending (superseded, or its session gone). */
  interrupt(ask: ChatAsk): void {
    const turn = this.turns.get(ask.id);
    if (turn === undefined) {
      if (this.pending?.id === ask.id) this.pending = undefined;
      return;
    }
    this.setStatus(turn, 'interrupted');
  }

  /** `answer()` and `decline()`: one outcome per ask, never an error. */
  respond(ask: ChatAsk, value: unknown, decline: boolean): Observable<ChatAnswerOutcome> {
    const given = this.outcomes.get(ask.id);
    if (given !== undefined) return given;
    const turn = this.turns.get(ask.id);
    const message = turn?.assistant;
    if (this.host.closed() || turn === undefined || message?.ask?.id !== ask.id || message.ask.status !== 'pending') {
      return of({ status: 'refused', fault: chatFault('ASK_CLOSED', 'this ask is not waiting for an answer', false) });
    }
    const outcome = new ReplaySubject<ChatAnswerOutcome>(1);
    const result$ = outcome.asObservable();
    this.outcomes.set(ask.id, result$);
    // Bounded: the oldest answers are forgotten (their asks are long over).
    if (this.outcomes.size > OUTCOMES_KEPT) this.outcomes.delete(this.outcomes.keys().next().value as string);
    const verifying = message.ask.type === 'otp' && !decline;
    if (verifying) this.verifying.add(turn);
    this.setStatus(turn, decline ? 'declined' : 'answered');
    const era = this.era;
    answerAsk(turn, message.ask, value, decline, (result) => {
      // The chat moved on (`newConversation()`): the old ask is not listed any more, nor re-sent.
      if (era === this.era) this.settle(turn, ask, result, verifying);
      outcome.next(result);
      outcome.complete();
    });
    this.host.changed();
    return result$;
  }

  /** What an answer's outcome does to its ask (then the chat's state, before the outcome is told). */
  private settle(turn: T, ask: ChatAsk, result: ChatAnswerOutcome, verifying: boolean): void {
    const error = result.status === 'refused' ? result.fault.error : undefined;
    if (result.status === 'invalid' || (error instanceof SmoothProtocolError && turn.context?.status === 'parked')) {
      // Rejected values, a wrong code, or an answer refused while the turn stays parked
      // (INTERACTION_MISMATCH): the ask waits again, and a new answer is sent.
      this.outcomes.delete(ask.id);
      this.setStatus(turn, 'pending');
      // A wrong code: the attempts left show on the ask (the turn has ended, so no event carries them).
      if (result.status === 'invalid' && result.attemptsRemaining !== undefined) this.setOtpInvalid(turn, result.attemptsRemaining, result.message);
    } else if (result.status === 'refused') {
      // Cut (a lost socket, the turn ended first): nothing was refused, the ask is over.
      this.setStatus(turn, error instanceof SmoothConnectionLostError || error instanceof SmoothTurnEndedError ? 'interrupted' : 'refused');
    } else if (verifying && this.verifying.has(turn)) {
      // Verified: the message that needed the code goes again.
      this.turns.delete(ask.id);
      this.host.resend(turn);
    }
    // Verified but stopped meanwhile: the ask is done, nothing is re-sent.
    else if (verifying) this.turns.delete(ask.id);
    this.verifying.delete(turn);
    // The state first: whoever reads chat.state on the outcome sees what it led to.
    this.host.changed();
  }

  private setOtpInvalid(turn: T, attemptsRemaining: number, message: string | undefined): void {
    const before = turn.assistant;
    if (before?.ask?.type !== 'otp') return;
    const ask = { ...before.ask, invalid: { attemptsRemaining, ...(message !== undefined ? { message } : {}) } };
    this.host.update(turn, { ...before, ask });
  }

  private setStatus(turn: T, status: ChatAsk['status']): void {
    const before = turn.assistant;
    if (before === undefined) return;
    const after = withAskStatus(before, status);
    if (after !== before) this.host.update(turn, after);
  }
}
