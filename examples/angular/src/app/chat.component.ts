import { ChangeDetectionStrategy, Component, afterRenderEffect, computed, inject, signal, viewChild, type ElementRef } from '@angular/core';
import { injectConnectionState, injectSmoothChat } from 'smooth-operator-rx/angular';
import { ConnectionStatusComponent } from './connection-status.component';
import { MessageComponent } from './message.component';
import { CHAT_SETTINGS } from './settings';
import { describeReconnect, describeStatus } from './words';

/** How close to the bottom (px) still counts as "reading the newest": new messages then scroll into view. */
const STICKY_PX = 80;

@Component({
  selector: 'app-chat',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ConnectionStatusComponent, MessageComponent],
  templateUrl: './chat.component.html',
  styleUrl: './chat.component.css',
})
export class ChatComponent {
  private readonly settings = inject(CHAT_SETTINGS);
  // In the browser: renders once per animation frame, and keeps the conversation in localStorage,
  // so a reload shows it again.
  protected readonly chat = injectSmoothChat({
    agentId: this.settings.agentId,
    userName: this.settings.userName,
    // Without these the server asks for details in plain text instead of sending forms.
    supports: ['identity_form', 'choice_chips'],
  });
  protected readonly draft = signal('');
  protected readonly statusLabel = computed(() => describeStatus(this.chat.status()));

  protected readonly lost = computed(() => this.chat.error()?.code === 'CONVERSATION_LOST');
  protected readonly unreachable = computed(() => ['CONNECTION_REFUSED', 'RETRIES_EXHAUSTED'].includes(this.chat.error()?.code ?? ''));
  private readonly connectionState = injectConnectionState();
  /** What the client does about it, for the offline banner (the one place that says it). */
  protected readonly reconnecting = computed(() => describeReconnect(this.connectionState()));
  protected readonly offline = computed(() => this.chat.connection() === 'reconnecting' || this.chat.status() === 'reconnecting' || this.unreachable());
  /** A turn runs (a code asked for after its turn ended is not one: there is nothing to stop). */
  protected readonly busy = computed(() => {
    const status = this.chat.status();
    return status === 'submitted' || status === 'streaming' || (status === 'awaiting-human' && this.chat.pendingAsk()?.type !== 'otp');
  });
  /** The user's answer is awaited: the card asks for it, not the message box. */
  protected readonly asked = computed(() => this.chat.status() === 'awaiting-human');
  protected readonly canSend = computed(() => !this.offline() && !this.lost() && !this.busy() && !this.asked() && this.chat.status() !== 'closed');

  private readonly scroller = viewChild.required<ElementRef<HTMLElement>>('scroller');
  private following = true;

  constructor() {
    // After each render of new content: follow the conversation, unless the user scrolled up to read.
    afterRenderEffect({
      write: () => {
        this.chat.messages();
        this.offline();
        const element = this.scroller().nativeElement;
        if (this.following) element.scrollTop = element.scrollHeight;
      },
    });
  }

  protected onScroll(): void {
    const element = this.scroller().nativeElement;
    this.following = element.scrollHeight - element.scrollTop - element.clientHeight < STICKY_PX;
  }

  protected send(event: Event): void {
    event.preventDefault();
    const message = this.draft().trim();
    if (message === '' || !this.canSend()) return;
    this.following = true;
    this.chat.send(message);
    this.draft.set('');
  }

  protected newConversation(): void {
    // A message the lost conversation refused is not lost for the user: it goes back in the box.
    const refused = [...this.chat.messages()].reverse().find((message) => message.role === 'user' && message.status === 'failed');
    if (this.lost() && refused?.role === 'user' && this.draft().trim() === '') this.draft.set(refused.text);
    this.following = true;
    this.chat.newConversation();
  }
}
