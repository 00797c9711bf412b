/** The component under test: a session, one turn at a time as signals, Approve/Deny, Stop, the connection status. */
import { Component, Injector, inject, signal } from '@angular/core';
import { injectConnectionState, injectSmoothSession, turnSignals, type TurnSignals } from 'smooth-operator-rx/angular';
import { verifyOtp } from 'smooth-operator-rx/operators';

@Component({
  selector: 'test-chat',
  template: `
    <p class="status">{{ state().status }}</p>
    <p class="answer">{{ turn()?.transcript()?.answer }}</p>
    @if (turn()?.pending(); as ask) {
      @if (ask.ask === 'write_confirmation') {
        <p class="ask">{{ ask.actionDescription }}</p>
        <button (click)="confirm(true)">Approve</button>
        <button (click)="confirm(false)">Deny</button>
      }
    }
    @if (turn()?.transcript()?.status === 'completed') {
      <p class="done">done</p>
    }
    @if (turn()?.done() === false) {
      <p class="busy">busy</p>
      <button (click)="stop()">Stop</button>
    }
  `,
})
export class ChatComponent {
  readonly session = injectSmoothSession({ agentId: 'support', userName: 'Alice' });
  readonly state = injectConnectionState();
  readonly turn = signal<TurnSignals | undefined>(undefined);
  private readonly injector = inject(Injector);

  /** Sends `message`; with `otpCode`, an identity check the agent asks for is passed with that code (verifyOtp). */
  send(message: string, otpCode?: string): void {
    this.turn()?.stop();
    const turn$ = this.session.turn(message);
    this.turn.set(turnSignals(otpCode === undefined ? turn$ : turn$.pipe(verifyOtp(() => otpCode)), { injector: this.injector }));
  }

  stop(): void {
    this.turn()?.stop();
  }

  /** What confirm() was refused with (e.g. TURN_ENDED, NO_PENDING_CONFIRMATION). */
  readonly refusals: unknown[] = [];

  confirm(approved: boolean): void {
    this.turn()?.context()?.confirm(approved).subscribe({ error: (err: unknown) => this.refusals.push(err) });
  }
}
