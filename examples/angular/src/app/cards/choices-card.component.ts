import { ChangeDetectionStrategy, Component, computed, input, output, signal } from '@angular/core';
import type { ChatChoicesAsk, ChoicesQuestion, ChoicesValues } from 'smooth-operator-rx';

/** The agent asks multiple-choice questions (`choices`); the server's errors show per question. */
@Component({
  selector: 'app-choices-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="card" data-testid="choices-card" (submit)="submit($event)">
      @if (ask().reason) {
        <p>{{ ask().reason }}</p>
      }
      @for (question of ask().spec.questions; track question.header) {
        <fieldset>
          <legend>{{ question.question }}</legend>
          @for (option of question.options; track option.label) {
            <label>
              <input
                [type]="question.multiSelect ? 'checkbox' : 'radio'"
                [name]="question.header"
                [checked]="isChosen(question, option.label)"
                (change)="toggle(question, option.label)"
              />
              {{ option.label }}
              @if (option.description) {
                <small>— {{ option.description }}</small>
              }
            </label>
          }
          @for (error of errorsOf(question.header); track $index) {
            <p class="field-error" data-testid="choice-error">{{ error }}</p>
          }
        </fieldset>
      }
      @for (error of otherErrors(); track $index) {
        <p class="form-error" data-testid="form-error">{{ error }}</p>
      }
      <button type="submit" data-testid="submit-choices" class="primary" [disabled]="waiting()">Send</button>
      <button type="button" [disabled]="waiting()" (click)="decline()">Skip</button>
    </form>
  `,
  styleUrl: './card.css',
})
export class ChoicesCardComponent {
  readonly ask = input.required<ChatChoicesAsk>();
  readonly submitted = output<ChoicesValues>();
  readonly declined = output<void>();

  private readonly chosen = signal<Readonly<Record<string, readonly string[]>>>({});
  /** Sent, not yet judged: pending again (with the server's errors) enables it again. */
  protected readonly waiting = computed(() => this.ask().status !== 'pending');

  private readonly headers = computed(() => new Set(this.ask().spec.questions.map((question) => question.header)));
  protected readonly otherErrors = computed(() =>
    this.ask()
      .errors.filter((error) => error.field === undefined || !this.headers().has(error.field))
      .map((error) => error.message),
  );

  protected errorsOf(header: string): string[] {
    return this.ask()
      .errors.filter((error) => error.field === header)
      .map((error) => error.message);
  }

  protected isChosen(question: ChoicesQuestion, label: string): boolean {
    return (this.chosen()[question.header] ?? []).includes(label);
  }

  protected toggle(question: ChoicesQuestion, label: string): void {
    this.chosen.update((chosen) => {
      const current = chosen[question.header] ?? [];
      const next = question.multiSelect === true ? (current.includes(label) ? current.filter((l) => l !== label) : [...current, label]) : [label];
      return { ...chosen, [question.header]: next };
    });
  }

  protected submit(event: Event): void {
    event.preventDefault();
    const answers = this.ask().spec.questions.map((question) => ({ header: question.header, options: [...(this.chosen()[question.header] ?? [])] }));
    this.submitted.emit({ answers });
  }

  protected decline(): void {
    this.declined.emit();
  }
}
