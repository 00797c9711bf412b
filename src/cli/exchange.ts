/**
 * One message of the terminal chat, from `chat.send` to the end of its answer: the answer drawn
 * from the chat's state, and the chat's asks put to the human and answered through the chat.
 */
import { Subscription, filter, map, of, switchMap, take, timeout, type Observable } from 'rxjs';
import type { ChatAnswerOutcome, ChatAsk, ChatAssistantMessage, ChatConfirmAsk, ChatFault, ChatState, SmoothChat } from '../chat/index.js';
import { SmoothConnectionError, SmoothConnectionLostError } from '../errors.js';
import { AnswerView, type AnswerViewOptions } from './answer-view.js';
import type { FormReply, Prompter } from './prompters.js';
import type { Screen, Style } from './render.js';

/**
 * How long a write confirmation waits for its tool call to show its arguments first: servers
 * send it right after the ask, but a slow or paced one (`--delay`) may take a while, and the
 * call's line must come before the question, not after the answer.
 */
const CALL_WAIT_MS = 2000;

/** Answers a form may be asked for before it is declined: the server keeps rejecting them. */
const MAX_ATTEMPTS = 5;

/** An answer to an ask, ready to send. */
interface Reply {
  readonly send: () => Observable<ChatAnswerOutcome>;
  readonly declined: boolean;
}

/** How the exchange ended: `fatal` ends the chat. */
export type ExchangeOutcome = 'completed' | 'stopped' | 'failed' | 'interrupted' | 'fatal';

export interface Exchange {
  /** Settles once the answer ended (or the exchange was stopped). */
  readonly done: Promise<ExchangeOutcome>;
  /** Ctrl-C: stops the turn (the chat sends `cancel`), abandons an open question. */
  stop(): void;
}

export interface ExchangeDeps {
  readonly chat: SmoothChat;
  readonly screen: Screen;
  readonly style: Style;
  readonly prompter: Prompter;
  readonly view: AnswerViewOptions;
}

/** What an answer ending in `status` means for the chat. */
function outcomeOf(status: ChatAssistantMessage['status'], fault: ChatFault | undefined): ExchangeOutcome | undefined {
  if (status === 'complete') return 'completed';
  if (status === 'cancelled') return 'stopped';
  if (status === 'interrupted') return 'interrupted';
  if (status === 'failed') return failureOf(fault);
  return undefined;
}

/** A connection the client gave up on ends the chat; a lost one is coming back. */
function failureOf(fault: ChatFault | undefined): ExchangeOutcome {
  const error = fault?.error;
  return error instanceof SmoothConnectionError && !(error instanceof SmoothConnectionLostError) ? 'fatal' : 'failed';
}

/** Sends `message` and follows its exchange in the chat's state until its answer ended. */
export function runExchange(message: string, deps: ExchangeDeps): Exchange {
  const { chat, screen, style, prompter } = deps;
  const user = chat.send(message);
  const views = new Map<string, AnswerView>();
  const subscriptions = new Subscription();
  let last: AnswerView | undefined;
  /** The ask being answered (asked, or its answer on its way): the exchange is not over. */
  let answering: string | undefined;
  /** The question on screen, abandoned when its ask stops waiting (the turn was cut). */
  let question: { readonly askId: string; readonly subscription: Subscription } | undefined;
  /** A code was verified: the chat sends the message again, and its new answer follows. */
  let resending = false;
  let settled = false;
  let resolve!: (outcome: ExchangeOutcome) => void;
  const done = new Promise<ExchangeOutcome>((r) => (resolve = r));

  const finish = (outcome: ExchangeOutcome): void => {
    if (settled) return;
    settled = true;
    subscriptions.unsubscribe();
    screen.clearStatus();
    resolve(outcome);
  };

  const viewOf = (answer: ChatAssistantMessage): AnswerView => {
    let view = views.get(answer.id);
    if (view === undefined) {
      view = new AnswerView(screen, style, deps.view);
      views.set(answer.id, view);
      resending = false;
    }
    last = view;
    return view;
  };

  const onState = (state: ChatState): void => {
    if (settled) return;
    const answers: ChatAssistantMessage[] = [];
    for (const m of state.messages) {
      if (m.id === user.id && m.role === 'user' && m.status === 'failed') {
        // Never started (refused, a lost conversation): said as a failed answer would be.
        (last ?? new AnswerView(screen, style, deps.view)).failed(m.error?.error ?? m.error?.message);
        return finish(failureOf(m.error));
      }
      if (m.role === 'assistant' && m.replyTo === user.id) answers.push(m);
    }
    for (const answer of answers) viewOf(answer).update(answer);
    const current = answers[answers.length - 1];
    const ask = state.pendingAsk;
    const mine = ask !== undefined && answers.some((answer) => answer.id === ask.messageId);
    if (question !== undefined && ask?.id !== question.askId) {
      // Its turn ended or was cut while the user was asked: the question answers nothing now.
      question.subscription.unsubscribe();
      question = undefined;
      answering = undefined;
    }
    const ended = current !== undefined ? outcomeOf(current.status, current.error) : undefined;
    // A code is asked once the answer that needed it is over (the turn goes on without it).
    if (mine && answering === undefined && (ask.type !== 'otp' || ended !== undefined)) return handle(ask, 1);
    if (ended !== undefined && answering === undefined && !resending && !mine) finish(ended);
  };

  const handle = (ask: ChatAsk, attempt: number): void => {
    answering = ask.id;
    const subscription = replyTo(ask, attempt).subscribe(({ send, declined }) => {
      question = undefined;
      subscriptions.add(send().subscribe((outcome) => settle(ask, attempt, outcome, declined)));
    });
    // Answered at once (`--yes`): nothing is left on screen to abandon.
    if (answering === ask.id && !subscription.closed) question = { askId: ask.id, subscription };
    subscriptions.add(subscription);
  };

  /** The question for `ask`, as what sends its answer. */
  const replyTo = (ask: ChatAsk, attempt: number): Observable<Reply> => {
    const decline: Reply = { send: () => chat.decline(ask), declined: true };
    const form = <V>(reply: FormReply<V>, answer: (values: V) => Observable<ChatAnswerOutcome>): Reply => (reply === undefined ? decline : { send: () => answer(reply), declined: false });
    switch (ask.type) {
      case 'confirm':
        return callShown(ask).pipe(
          switchMap(() => prompter.confirmWrite(ask)),
          map((approved) => {
            if (approved) return { send: () => chat.answer(ask, true), declined: false };
            last?.denied(ask.toolId);
            return decline;
          }),
        );
      case 'identity_intake':
        return prompter.identity(ask, attempt).pipe(map((reply) => form(reply, (values) => chat.answer(ask, values))));
      case 'choices':
        return prompter.choices(ask, attempt).pipe(map((reply) => form(reply, (values) => chat.answer(ask, values))));
      case 'otp':
        return prompter.otp(ask, attempt).pipe(map((reply) => form(reply, (code) => chat.answer(ask, code))));
      case 'interaction':
        screen.line(style.dim(`  (the agent asks for a ${ask.kind} form this chat cannot show: declined)`));
        return of(decline);
    }
  };

  /** The gated tool's call, once shown (or after {@link CALL_WAIT_MS}): a person sees the arguments before approving. */
  const callShown = (ask: ChatConfirmAsk): Observable<unknown> =>
    chat.state$.pipe(
      map((state) => state.messages.find((m) => m.id === ask.messageId)),
      filter((m) => m?.role === 'assistant' && m.parts.some((part) => part.type === 'tool' && part.name === ask.toolId)),
      take(1),
      timeout({ first: CALL_WAIT_MS, with: () => of(undefined) }),
    );

  const settle = (ask: ChatAsk, attempt: number, outcome: ChatAnswerOutcome, declined: boolean): void => {
    if (settled) return;
    if (outcome.status === 'invalid') {
      // Pending again with the server's errors. Read from the outcome: while it is emitted, the
      // chat's `state` is still the snapshot from before it.
      const again: ChatAsk = ask.type === 'otp' ? { ...ask, invalid: { attemptsRemaining: outcome.attemptsRemaining ?? 0, ...(outcome.message !== undefined ? { message: outcome.message } : {}) } } : ask.type === 'confirm' ? ask : { ...ask, errors: outcome.errors, invalidMessage: outcome.message };
      if (ask.type !== 'otp') last?.rejected(outcome.errors, outcome.message);
      if (attempt < MAX_ATTEMPTS) return handle(again, attempt + 1);
      subscriptions.add(chat.decline(again).subscribe((result) => settle(again, attempt, result, true)));
      return;
    }
    if (outcome.status === 'refused' && ask.type === 'otp') screen.line(style.red(`    ✗ ${outcome.fault.message}`));
    if (outcome.status === 'accepted' && ask.type === 'otp' && !declined) {
      screen.line(style.dim('    ✓ verified: the message goes again'));
      resending = true;
    }
    answering = undefined;
    // The chat's snapshot of this outcome comes right after it: look at the state then.
    queueMicrotask(() => onState(chat.state));
  };

  subscriptions.add(chat.state$.subscribe(onState));
  if (!settled) screen.status(style.dim('thinking…'));

  return {
    done,
    stop: () => {
      if (settled) return;
      chat.stop();
      // A code left to enter: the user gave up on it.
      const ask = chat.state.pendingAsk;
      if (ask?.type === 'otp' && views.has(ask.messageId)) chat.decline(ask);
      (last ?? new AnswerView(screen, style, deps.view)).stopped();
      finish('stopped');
    },
  };
}
