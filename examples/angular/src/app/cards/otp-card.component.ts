import { ChangeDetectionStrategy, Component, computed, input, output, signal } from '@angular/core';
import type { ChatOtpAsk } from 'smooth-operator-rx';

/** The agent needs a one-time code before it acts: where it was sent, a field for it, and wrong-code feedback. */
@Component({
  selector: 'app-otp-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="card" data-testid="otp-card" (submit)="submit($event)">
      <p>
        To {{ ask().actionDescription ?? 'go on' }}, enter the code
        @if (ask().sent; as sent) { sent to {{ sent.maskedDestination }} } @else { we are sending you }.
      </p>
      <input data-testid="otp-code" name="code" autocomplete="one-time-code" inputmode="numeric" [value]="code()" (input)="code.set($any($event.target).value)" />
      @if (ask().invalid; as invalid) {
        <p class="form-error" data-testid="otp-error">
          That code did not work{{ invalid.attemptsRemaining > 0 ? ': ' + invalid.attemptsRemaining + ' attempt(s) left.' : ', and no attempts are left.' }}
        </p>
      }
      <button type="submit" class="primary" data-testid="submit-otp" [disabled]="waiting() || code().trim() === ''">Verify</button>
      <button type="button" [disabled]="waiting()" (click)="declined.emit()">Cancel</button>
    </form>
  `,
  styleUrl: './card.css',
})
export class OtpCardComponent {
  readonly ask = input.required<ChatOtpAsk>();
  readonly submitted = output<string>();
  readonly declined = output<void>();
  protected readonly code = signal('');
  protected readonly waiting = computed(() => this.ask().status !== 'pending');

  protected submit(event: Event): void {
    event.preventDefault();
    this.submitted.emit(this.code().trim());
  }
}
