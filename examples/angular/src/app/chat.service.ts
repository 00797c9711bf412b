import { Injectable, Injector, computed, inject, signal, type Signal } from '@angular/core';
import { Subject, take } from 'rxjs';
import { SmoothConnectionLostError, SmoothError, type ChoicesValues, type IdentityIntakeValues } from 'smooth-operator-rx';
import { injectSmoothSession, turnSignals } from 'smooth-operator-rx/angular';
import { answerInteractions, confirmWrites, type InteractionReply, type TurnTranscript } from 'smooth-operator-rx/operators';
import { CHAT_SETTINGS } from './settings';

/** Why a turn failed, as the UI shows it. */
export interface TurnFailure {
  readonly code: string;
  readonly message: string;
}

/** One exchange of the chat: the user's message, the agent's transcript, and the answers the user gives. */
export interface ChatTurn {
  readonly id: number;
  readonly message: string;
  /** `undefined` until the first event arrives. */
  readonly transcript: Signal<TurnTranscript | undefined>;
  readonly failure: Signal<TurnFailure | undefined>;
  readonly running: Signal<boolean>;
  confirm(approved: boolean): void;
  submitIdentity(values: IdentityIntakeValues): void;
  submitChoices(values: ChoicesValues): void;
  decline(): void;
}

/**
 * The conversation of the page: one session handle (resumed by itself after a lost connection),
 * one turn at a time on it. Provided by the chat component, so leaving the page closes the session.
 */
@Injectable()
export class ChatService {
  private readonly settings = inject(CHAT_SETTINGS);
  private readonly session = injectSmoothSession({
    agentId: this.settings.agentId,
    userName: this.settings.userName,
    // Without these the server asks for details in plain text instead of sending forms.
    supports: ['identity_form', 'choice_chips'],
  });
  // Turns are started from click handlers: their subscriptions end with the chat component.
  private readonly injector = inject(Injector);
  private nextId = 1;

  readonly turns = signal<readonly ChatTurn[]>([]);
  readonly busy = computed(() => this.turns().some((turn) => turn.running()));

  send(message: string): void {
    // The user's answers: each ask takes the next click or submit, given after its card showed.
    const decisions = new Subject<boolean>();
    const identities = new Subject<InteractionReply<IdentityIntakeValues>>();
    const choices = new Subject<InteractionReply<ChoicesValues>>();

    const signals = turnSignals(
      this.session.turn(message).pipe(
        confirmWrites(() => decisions.pipe(take(1))),
        // A form the server finds invalid is asked again, with its field errors, until it is
        // valid or the user declines.
        answerInteractions(
          { identity_intake: () => identities.pipe(take(1)), choices: () => choices.pipe(take(1)) },
          { maxAttempts: Number.MAX_SAFE_INTEGER },
        ),
      ),
      { injector: this.injector },
    );

    const turn: ChatTurn = {
      id: this.nextId++,
      message,
      transcript: signals.transcript,
      failure: computed(() => (signals.error() === undefined ? undefined : failureOf(signals.error()))),
      running: computed(() => !signals.done()),
      confirm: (approved) => decisions.next(approved),
      submitIdentity: (values) => identities.next({ values }),
      submitChoices: (values) => choices.next({ values }),
      decline: () => {
        identities.next({ declined: true });
        choices.next({ declined: true });
      },
    };
    this.turns.update((turns) => [...turns, turn]);
  }

  /** The Stop button: the running turn ends with `cancelled`, whoever subscribed to it. */
  stop(): void {
    this.session.cancel();
  }
}

function failureOf(err: unknown): TurnFailure {
  if (err instanceof SmoothConnectionLostError) {
    // Never re-sent by itself: the server may already have run a tool.
    return { code: err.code, message: 'The connection was lost during this answer. Send the message again once the connection is back.' };
  }
  if (err instanceof SmoothError) {
    return { code: err.code, message: err.message };
  }
  return { code: 'UNKNOWN', message: err instanceof Error ? err.message : String(err) };
}
