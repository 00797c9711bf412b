import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { ChatService } from './chat.service';
import { ConnectionStatusComponent } from './connection-status.component';
import { TurnComponent } from './turn.component';

@Component({
  selector: 'app-chat',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ConnectionStatusComponent, TurnComponent],
  providers: [ChatService],
  template: `
    <header>
      <h1>Support chat</h1>
      <app-connection-status />
    </header>
    <main>
      @for (turn of chat.turns(); track turn.id) {
        <app-turn [turn]="turn" />
      } @empty {
        <p class="hint">Ask the agent something.</p>
      }
    </main>
    <form class="composer" (submit)="send($event)">
      <input
        data-testid="message"
        name="message"
        autocomplete="off"
        placeholder="Your message"
        [value]="draft()"
        (input)="draft.set($any($event.target).value)"
      />
      <button type="submit" data-testid="send" [disabled]="chat.busy() || draft().trim() === ''">Send</button>
      <button type="button" data-testid="stop" [disabled]="!chat.busy()" (click)="chat.stop()">Stop</button>
    </form>
  `,
  styles: `
    :host { display: flex; flex-direction: column; max-width: 760px; margin: 0 auto; min-height: 100vh; }
    header { display: flex; align-items: center; justify-content: space-between; }
    h1 { font-size: 1.3em; }
    main { flex: 1; }
    .hint { color: #777; }
    .composer { display: flex; gap: 8px; position: sticky; bottom: 0; background: #fff; padding: 12px 0; }
    .composer input { flex: 1; padding: 8px; }
  `,
})
export class ChatComponent {
  protected readonly chat = inject(ChatService);
  protected readonly draft = signal('');

  protected send(event: Event): void {
    event.preventDefault();
    const message = this.draft().trim();
    if (message === '' || this.chat.busy()) return;
    this.chat.send(message);
    this.draft.set('');
  }
}
