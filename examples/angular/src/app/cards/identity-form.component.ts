import { ChangeDetectionStrategy, Component, computed, input, output, signal } from '@angular/core';
import type { ChatIdentityAsk, IdentityFieldKey, IdentityIntakeValues } from 'smooth-operator-rx';

const DEFAULT_LABELS: Record<IdentityFieldKey, string> = { name: 'Name', email: 'Email', phone: 'Phone' };

/**
 * The agent asks for contact details (`identity_intake`). The server validates them: its field
 * errors (`interaction_invalid`) show under each field and the form can be sent again. It stays
 * on screen while the answer is checked (the ask is then `answered`), so what was typed is kept.
 */
@Component({
  selector: 'app-identity-form',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <!-- novalidate: the server validates, and its field errors are what this form shows. -->
    <form class="card" data-testid="identity-form" novalidate (submit)="submit($event)">
      @if (ask().reason) {
        <p>{{ ask().reason }}</p>
      }
      @for (field of ask().spec.fields; track field.key) {
        <label>
          {{ field.label ?? defaultLabel(field.key) }}@if (field.required) {*}
          <input
            [attr.data-testid]="'field-' + field.key"
            [name]="field.key"
            [type]="field.key === 'email' ? 'email' : 'text'"
            [value]="values()[field.key] ?? ''"
            (input)="set(field.key, $any($event.target).value)"
          />
        </label>
        @for (error of errorsOf(field.key); track $index) {
          <p class="field-error" [attr.data-testid]="'error-' + field.key">{{ error }}</p>
        }
      }
      @for (error of formErrors(); track $index) {
        <p class="form-error" data-testid="form-error">{{ error }}</p>
      }
      <button type="submit" data-testid="submit-identity" class="primary" [disabled]="waiting()">Send details</button>
      <button type="button" data-testid="decline-identity" [disabled]="waiting()" (click)="decline()">No thanks</button>
    </form>
  `,
  styleUrl: './card.css',
})
export class IdentityFormComponent {
  readonly ask = input.required<ChatIdentityAsk>();
  readonly submitted = output<IdentityIntakeValues>();
  readonly declined = output<void>();

  protected readonly values = signal<Partial<Record<IdentityFieldKey, string>>>({});
  /** Sent, not yet judged: the server's answer (pending again, with errors) enables the form again. */
  protected readonly waiting = computed(() => this.ask().status !== 'pending');

  private readonly keys = computed(() => new Set<string>(this.ask().spec.fields.map((field) => field.key)));
  protected readonly formErrors = computed(() => {
    const errors = this.ask()
      .errors.filter((error) => error.field === undefined || !this.keys().has(error.field))
      .map((error) => error.message);
    const message = this.ask().invalidMessage;
    return errors.length === 0 && message !== undefined && this.ask().errors.length === 0 ? [message] : errors;
  });

  protected defaultLabel(key: IdentityFieldKey): string {
    return DEFAULT_LABELS[key];
  }

  protected errorsOf(key: IdentityFieldKey): string[] {
    return this.ask()
      .errors.filter((error) => error.field === key)
      .map((error) => error.message);
  }

  protected set(key: IdentityFieldKey, value: string): void {
    this.values.update((values) => ({ ...values, [key]: value }));
  }

  protected submit(event: Event): void {
    event.preventDefault();
    const values: IdentityIntakeValues = {};
    for (const field of this.ask().spec.fields) {
      const value = this.values()[field.key];
      if (value !== undefined) values[field.key] = value;
    }
    this.submitted.emit(values);
  }

  protected decline(): void {
    this.declined.emit();
  }
}
