import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import type { ChatConfirmAsk } from 'smooth-operator-rx';

/** A write tool waits for the user: Approve or Deny. Shown while the ask is pending only. */
@Component({
  selector: 'app-confirm-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="card" data-testid="confirm-card">
      <p class="title">Your approval is needed</p>
      <p>{{ ask().actionDescription }}</p>
      <button type="button" class="primary" data-testid="approve" (click)="decided.emit(true)">Approve</button>
      <button type="button" data-testid="deny" (click)="decided.emit(false)">Deny</button>
    </div>
  `,
  styleUrl: './card.css',
})
export class ConfirmCardComponent {
  readonly ask = input.required<ChatConfirmAsk>();
  readonly decided = output<boolean>();
}
