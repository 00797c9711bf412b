/** The component under test: a session, one turn at a time as signals, Approve/Deny, the connection status. */
import { Component, Injector, inject, signal } from '@angular/core';
import { injectConnectionState, injectSmoothSession, turnSignals, type TurnSignals } from 'smooth-operator-rx/angular';

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
  `,
})
export class ChatComponent {
  readonly session = injectSmoothSession({ agentId: 'support', userName: 'Alice' });
  readonly state = injectConnectionState();
  readonly turn = signal<TurnSignals | undefined>(undefined);
  private readonly injector = inject(Injector);

  send(message: string): void {
    this.turn()?.stop();
    this.turn.set(turnSignals(this.session.turn(message), { injector: this.injector }));
  }

  confirm(approved: boolean): void {
    this.turn()?.context()?.confirm(approved).subscribe({ error: () => undefined });
  }
}
