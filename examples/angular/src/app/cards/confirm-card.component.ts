import { ChangeDetectionStrategy, Component, computed, input, output, signal } from '@angular/core';
import type { PendingWriteConfirmation } from 'smooth-operator-rx/operators';

/** A write tool waits for the user: Approve or Deny. */
@Component({
  selector: 'app-confirm-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="card" data-testid="confirm-card">
      <p>Confirmation needed: <strong>{{ ask().actionDescription }}</strong></p>
      <button type="button" data-testid="approve" [disabled]="sent()" (click)="decide(true)">Approve</button>
      <button type="button" data-testid="deny" [disabled]="sent()" (click)="decide(false)">Deny</button>
    </div>
  `,
  styleUrl: './card.css',
})
export class ConfirmCardComponent {
  readonly ask = input.required<PendingWriteConfirmation>();
  readonly decided = output<boolean>();
  // Keyed on the ask: a second confirmation right after the first reuses this card (the @if
  // around it stays true) with a new `ask`, which must not show as already answered.
  private readonly answered = signal<PendingWriteConfirmation | undefined>(undefined);
  protected readonly sent = computed(() => this.answered() === this.ask());

  protected decide(approved: boolean): void {
    this.answered.set(this.ask());
    this.decided.emit(approved);
  }
}
