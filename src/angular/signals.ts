import { DestroyRef, assertInInjectionContext, computed, inject, signal, untracked, type Injector, type Signal } from '@angular/core';
import { Subscription, tap, type Observable } from 'rxjs';
import { transcript, type PendingAsk, type TurnTranscript } from '../../operators/transcript.js';
import { findTurnOf, type TurnContext } from '../turn/context.js';
import { parksTurn, startsTurn } from '../turn/rules.js';
import type { TurnEvent } from '../turn/turn-event.js';

/**
 * A running turn as signals, made by {@link turnSignals}.
 *
 * @example
 * readonly turn = signal<TurnSignals | undefined>(undefined);
 * readonly answer = computed(() => this.turn()?.transcript()?.answer ?? '');
 * readonly failed = computed(() => this.turn()?.error() !== undefined);
 * readonly busy = computed(() => this.turn()?.done() === false);
 * stop() { this.turn()?.stop(); }
 */
export interface TurnSignals {
  /** The turn so far (`transcript()`): `undefined` until its first event, then a new object per event. */
  readonly transcript: Signal<TurnTranscript | undefined>;
  /** What the agent asks the human right now (`transcript().pending`): a write confirmation, a form, a code. */
  readonly pending: Signal<PendingAsk | undefined>;
  /**
   * Why the turn failed (a `SmoothError`: `CONNECTION_LOST`, `TURN_TIMEOUT`, a protocol error…),
   * `undefined` otherwise. Held here rather than thrown from `transcript()` (which `toSignal`
   * would do on every read, breaking the template).
   */
  readonly error: Signal<unknown>;
  /**
   * The turn, to answer the agent: `context()?.confirm(true)`, `submitInteraction(…)`,
   * `verifyOtp(…)`, `cancel()`. `undefined` until the first event. It follows the turn whose ask
   * is shown: when a new turn starts in the stream (the message re-sent by `verifyOtp`, a
   * `retry()`), it is that turn's from its 202 on. Its Observables are the core's: they are not
   * brought back into the Angular zone (their outcome also shows in the transcript).
   */
  readonly context: Signal<TurnContext | undefined>;
  /** Whether the turn's stream has ended: completed (answered, cancelled), failed, or stopped. */
  readonly done: Signal<boolean>;
  /**
   * Unsubscribes now: a turn still running is stopped (one `cancel`). The signals say at once that
   * the turn is over, whatever the server answers the cancel (`cancelled`, the `eventual_response`
   * that won the race, or nothing): `done()` is true, and a transcript not ended yet is
   * `cancelled`, with no pending ask. Idempotent; after the turn ended it changes nothing.
   */
  stop(): void;
}

/**
 * Subscribes to a turn and exposes it as signals: the `transcript()`, its pending ask, its error.
 * The subscription ends with the injection context (a component: when it is destroyed, which
 * stops a running turn) or with `options.injector`'s, for turns started from an event handler.
 * A turn that ends (completes or fails) releases its registration with that injector, so a
 * long-lived injector does not keep finished turns. On an injector already destroyed it throws
 * Angular's own error (NG0911) and subscribes to nothing: the turn is not sent.
 * A turn that completes without an event leaves `transcript` `undefined` and `done` true.
 *
 * @example
 * private readonly injector = inject(Injector);
 * readonly turn = signal<TurnSignals | undefined>(undefined);
 * send(message: string) {
 *   this.turn()?.stop();
 *   this.turn.set(turnSignals(this.session.turn(message), { injector: this.injector }));
 * }
 * // template: {{ turn()?.transcript()?.answer }}
 * //   @if (turn()?.pending()?.ask === 'write_confirmation') { <button (click)="approve()">Approve</button> }
 * approve() { this.turn()?.context()?.confirm(true).subscribe({ error: (e: unknown) => console.warn(e) }); }
 */
export function turnSignals(turn$: Observable<TurnEvent>, options: { injector?: Injector } = {}): TurnSignals {
  if (options.injector === undefined) assertInInjectionContext(turnSignals);
  const destroyRef = options.injector?.get(DestroyRef) ?? inject(DestroyRef);
  const current = signal<TurnTranscript | undefined>(undefined);
  const error = signal<unknown>(undefined);
  const done = signal(false);
  const context = signal<TurnContext | undefined>(undefined);
  // Looked up until found (the first event, in practice), then again only at a new turn's 202 or
  // an ask: the context is that of the turn whose ask is shown, at no per-event cost.
  let bound: TurnContext | undefined;
  const bind = (event: TurnEvent): void => {
    if (bound !== undefined && !startsTurn(event) && !parksTurn(event)) return;
    const found = findTurnOf(event);
    if (found === undefined || found === bound) return;
    bound = found;
    context.set(found);
  };
  // Registered before subscribing: on a destroyed injector `onDestroy` throws (NG0911) before
  // anything is sent, rather than after a turn nobody could stop has started.
  const subscription = new Subscription();
  const unregister = destroyRef.onDestroy(() => subscription.unsubscribe());
  // A finished turn lets go of its injector, which may outlive many turns (a root service).
  const finish = (): void => {
    done.set(true);
    unregister();
  };
  subscription.add(
    turn$.pipe(tap(bind), transcript()).subscribe({
      next: (value) => current.set(value),
      error: (failure: unknown) => {
        // A failed turn is over: an ask it left has nobody to answer it, as after stop().
        const last = current();
        if (last?.pending !== undefined) current.set({ ...last, pending: undefined });
        error.set(failure);
        finish();
      },
      complete: finish,
    }),
  );
  return {
    transcript: current.asReadonly(),
    pending: computed(() => current()?.pending),
    error: error.asReadonly(),
    context: context.asReadonly(),
    done: done.asReadonly(),
    stop: () => {
      subscription.unsubscribe();
      unregister();
      // Read untracked: stop() may run inside an effect, which must not come to depend on these.
      if (untracked(done)) return;
      done.set(true);
      // No event of the turn is read after this: the transcript says what the user did.
      const last = untracked(current);
      if (last !== undefined && last.status !== 'completed' && last.status !== 'cancelled') current.set({ ...last, status: 'cancelled', pending: undefined });
    },
  };
}
