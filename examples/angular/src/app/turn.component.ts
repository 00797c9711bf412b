import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { ChoicesSpec, IdentityIntakeSpec } from 'smooth-operator-rx';
import type { PendingInteraction, PendingWriteConfirmation } from 'smooth-operator-rx/operators';
import { ChoicesCardComponent } from './cards/choices-card.component';
import { ConfirmCardComponent } from './cards/confirm-card.component';
import { IdentityFormComponent } from './cards/identity-form.component';
import type { ChatTurn } from './chat.service';

@Component({
  selector: 'app-turn',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ConfirmCardComponent, IdentityFormComponent, ChoicesCardComponent],
  template: `
    @let t = turn().transcript();
    <article class="turn" data-testid="turn" [attr.data-status]="status()">
      <p class="user">{{ turn().message }}</p>
      @if (t) {
        @for (tool of t.tools; track $index) {
          <p class="tool" data-testid="tool" [attr.data-tool-status]="tool.status">
            tool {{ tool.name }} — {{ tool.status }}@if (tool.result) {: {{ tool.result.result }}}
          </p>
        }
        @if (t.preamble) {
          <p class="preamble">{{ t.preamble }}</p>
        }
        <p class="assistant" data-testid="answer">{{ t.answer }}</p>
        @if (confirmation(); as ask) {
          <app-confirm-card [ask]="ask" (decided)="turn().confirm($event)" />
        }
        @if (identity(); as ask) {
          <app-identity-form
            [ask]="ask"
            [spec]="identitySpec()!"
            (submitted)="turn().submitIdentity($event)"
            (declined)="turn().decline()"
          />
        }
        @if (choices(); as ask) {
          <app-choices-card [ask]="ask" [spec]="choicesSpec()!" (submitted)="turn().submitChoices($event)" (declined)="turn().decline()" />
        }
        @if (t.final && t.final.citations.length > 0) {
          <ul class="citations" data-testid="citations">
            @for (source of t.final.citations; track source.id) {
              <li>
                @if (source.url) {
                  <a [href]="source.url" target="_blank" rel="noopener">{{ source.title }}</a>
                } @else {
                  {{ source.title }}
                }
              </li>
            }
          </ul>
        }
      } @else if (turn().running()) {
        <p class="thinking">thinking…</p>
      }
      @if (turn().failure(); as failure) {
        <p class="failure" data-testid="failure" [attr.data-code]="failure.code">{{ failure.message }}</p>
      }
      <p class="meta" data-testid="turn-status">{{ status() }}</p>
    </article>
  `,
  styles: `
    .turn { border-bottom: 1px solid #eee; padding: 8px 0; }
    .user { font-weight: 600; }
    .assistant { white-space: pre-wrap; }
    .tool { font-family: monospace; font-size: 0.9em; color: #555; }
    .preamble, .thinking, .meta { color: #888; font-style: italic; font-size: 0.9em; }
    .failure { color: #a00; }
    .citations { font-size: 0.9em; }
  `,
})
export class TurnComponent {
  readonly turn = input.required<ChatTurn>();

  /** `failed` when the stream errored; otherwise the transcript's status. */
  protected readonly status = computed(() => {
    if (this.turn().failure() !== undefined) return 'failed';
    return this.turn().transcript()?.status ?? 'waiting';
  });

  private readonly pending = computed(() => this.turn().transcript()?.pending);

  protected readonly confirmation = computed((): PendingWriteConfirmation | undefined => {
    const pending = this.pending();
    return pending?.ask === 'write_confirmation' && this.turn().running() ? pending : undefined;
  });

  private readonly interaction = computed((): PendingInteraction | undefined => {
    const pending = this.pending();
    return pending?.ask === 'interaction' && this.turn().running() ? pending : undefined;
  });

  // The transcript keeps specs untyped (a kind may be new); these kinds were validated on arrival.
  protected readonly identity = computed(() => (this.interaction()?.kind === 'identity_intake' ? this.interaction() : undefined));
  protected readonly identitySpec = computed(() => this.identity()?.spec as IdentityIntakeSpec | undefined);
  protected readonly choices = computed(() => (this.interaction()?.kind === 'choices' ? this.interaction() : undefined));
  protected readonly choicesSpec = computed(() => this.choices()?.spec as ChoicesSpec | undefined);
}
