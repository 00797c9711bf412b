import { ChangeDetectionStrategy, Component, computed, input, output, signal } from '@angular/core';
import type { ChatOtpAsk } from 'smooth-operator-rx';

/** The agent needs a one-time code before it acts: what for, where it went, a field for it, and wrong-code feedback. */
@Component({
  selector: 'app-otp-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="card" data-testid="otp-card" (submit)="submit($event)">
      <p class="title">Verify it is you</p>
      @if (ask().actionDescription) {
        <p>{{ ask().actionDescription }}</p>
      }
      <label>
        @if (ask().sent?.maskedDestination) {
          Enter the code sent to {{ ask().sent?.maskedDestination }}
        } @else {
          Enter the code we sent you
        }
        <input data-testid="otp-code" name="code" autocomplete="one-time-code" inputmode="numeric" [value]="code()" (input)="code.set($any($event.target).value)" />
      </label>
      @if (attemptsLeft() !== undefined) {
        <p class="form-error" data-testid="otp-error">
          That code did not work{{ attemptsLeft()! > 1 ? ': ' + attemptsLeft() + ' attempts left.' : attemptsLeft() === 1 ? ': 1 attempt left.' : ', and no attempts are left.' }}
        </p>
      }
      <button type="submit" class="primary" data-testid="submit-otp" [disabled]="checking() || code().trim() === ''">Verify</button>
      <button type="button" [disabled]="checking()" (click)="declined.emit()">Cancel</button>
    </form>
  `,
  styleUrl: './card.css',
})
export class OtpCardComponent {
  readonly ask = input.required<ChatOtpAsk>();
  /** A code is being checked. */
  readonly checking = input(false);
  /** Attempts left after the last wrong code, as the answer's outcome said it. */
  readonly rejected = input<number | undefined>(undefined);
  readonly submitted = output<string>();
  readonly declined = output<void>();
  protected readonly code = signal('');
  protected readonly attemptsLeft = computed(() => this.rejected() ?? this.ask().invalid?.attemptsRemaining);

  protected submit(event: Event): void {
    event.preventDefault();
    this.submitted.emit(this.code().trim());
  }
}
