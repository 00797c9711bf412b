/** The component under test for `injectSmoothChat`: the messages, the pending ask with Approve/Deny, the status, the error's code. */
import { Component, InjectionToken, inject } from '@angular/core';
import type { ChatAssistantMessage } from 'smooth-operator-rx';
import { injectSmoothChat, type InjectSmoothChatOptions } from 'smooth-operator-rx/angular';

/** Extra options for the chat of a test (storage, render scheduler). */
export const CHAT_TEST_OPTIONS = new InjectionToken<Partial<InjectSmoothChatOptions>>('CHAT_TEST_OPTIONS');

@Component({
  selector: 'test-smooth-chat',
  template: `
    <p class="status">{{ chat.status() }}</p>
    @for (message of chat.messages(); track message.id) {
      @if (message.role === 'user') {
        <p class="user">{{ message.text }}</p>
      } @else {
        <p class="assistant">{{ answer(message) }}</p>
      }
    }
    @if (chat.pendingAsk(); as ask) {
      @if (ask.type === 'confirm') {
        <p class="ask">{{ ask.actionDescription }}</p>
        <button (click)="chat.answer(ask, true)">Approve</button>
        <button (click)="chat.decline(ask)">Deny</button>
      }
    }
    <p class="error">{{ chat.error()?.code }}</p>
  `,
})
export class SmoothChatComponent {
  readonly chat = injectSmoothChat({ agentId: 'support', userName: 'Alice', ...inject(CHAT_TEST_OPTIONS, { optional: true }) });

  answer(message: ChatAssistantMessage): string {
    return message.parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
  }
}
