import { ChangeDetectionStrategy, Component, computed, input, signal } from '@angular/core';
import type { ChatAssistantMessage, ChatMessage, ChatToolPart, ChatUserMessage, IdentityIntakeValues, ChoicesValues } from 'smooth-operator-rx';
import type { SmoothChatSignals } from 'smooth-operator-rx/angular';
import { ChoicesCardComponent } from './cards/choices-card.component';
import { ConfirmCardComponent } from './cards/confirm-card.component';
import { IdentityFormComponent } from './cards/identity-form.component';
import { OtpCardComponent } from './cards/otp-card.component';
import { citationHost, citationTitle, describeFault, humanize, readableResult, relevantCitations } from './words';

/** A tool as the message shows it: `waiting` is on the user (an approval, a code), never a failure. */
interface ToolView {
  readonly state: 'running' | 'waiting' | 'succeeded' | 'failed';
  readonly label: string;
  readonly showResult: boolean;
}

/** Tools that only raise a form: the form card shows them, not a tool line. */
const FORM_TOOLS = new Set(['request_identity_intake', 'request_choices']);

/** One message: the user's on the right; the agent's on the left, its parts in the order they came. */
@Component({
  selector: 'app-message',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ConfirmCardComponent, IdentityFormComponent, ChoicesCardComponent, OtpCardComponent],
  templateUrl: './message.component.html',
  styleUrl: './message.component.css',
})
export class MessageComponent {
  readonly message = input.required<ChatMessage>();
  readonly chat = input.required<SmoothChatSignals>();

  protected readonly user = computed(() => (this.message().role === 'user' ? (this.message() as ChatUserMessage) : undefined));
  protected readonly agent = computed(() => (this.message().role === 'assistant' ? (this.message() as ChatAssistantMessage) : undefined));
  /** The turn still runs: a form answered but not yet judged stays on screen (with what was typed). */
  protected readonly live = computed(() => this.agent()?.status === 'streaming' || this.agent()?.status === 'awaiting-human');
  /**
   * A code ask cut by a lost connection, already asked again (a later answer to the same message):
   * its Ask again has been used. Read only for such an ask, so other messages do not track the list.
   */
  protected readonly askedAgain = computed(() => {
    const m = this.agent();
    if (m?.ask?.type !== 'otp' || m.ask.status !== 'interrupted') return false;
    const all = this.chat().messages();
    return all.slice(all.indexOf(m) + 1).some((later) => later.role === 'assistant' && later.replyTo === m.replyTo);
  });
  /** Offline, asking again would only wait for the connection: the buttons say so by being off, as Send is. */
  protected readonly offline = computed(() => this.chat().status() === 'reconnecting' || this.chat().connection() === 'reconnecting');
  protected readonly empty = computed(() => this.agent()?.parts.every((part) => part.type === 'usage' || part.type === 'citations') ?? false);

  protected readonly toolIcons: Record<ToolView['state'], string> = { running: '⋯', waiting: '⋯', succeeded: '✓', failed: '✕' };
  protected readonly humanize = humanize;
  protected readonly describeFault = describeFault;
  protected readonly readableResult = readableResult;
  protected readonly relevantCitations = relevantCitations;
  protected readonly citationTitle = citationTitle;
  protected readonly citationHost = citationHost;

  protected shownTool(part: ChatToolPart): boolean {
    return !FORM_TOOLS.has(part.name);
  }

  /**
   * How a tool reads. A tool the server held back for a one-time code has an error result, but it
   * has not failed: it waits for the user, and runs in the answer that follows the code. Once the
   * code is verified that answer shows it, so this one no longer does.
   */
  protected toolView(part: ChatToolPart, message: ChatAssistantMessage): ToolView | undefined {
    const ask = message.ask;
    if (part.status !== 'succeeded' && ask?.type === 'otp' && ask.toolId === part.name) {
      if (this.checkingCode()) return { state: 'waiting', label: 'checking your code…', showResult: false };
      if (ask.status === 'pending') return { state: 'waiting', label: 'waiting for your code', showResult: false };
      if (ask.status === 'answered') return undefined;
      // The code was never checked (the connection was lost): the tool did not run, nor fail.
      if (ask.status === 'interrupted') return { state: 'waiting', label: 'not run', showResult: false };
    }
    if (part.status === 'running') {
      const approval = ask?.type === 'confirm' && ask.status === 'pending' && ask.toolId === part.name;
      return { state: approval ? 'waiting' : 'running', label: approval ? 'waiting for your approval' : 'running…', showResult: true };
    }
    if (part.status === 'succeeded') return { state: 'succeeded', label: 'done', showResult: true };
    return { state: 'failed', label: part.result === undefined ? 'did not finish' : 'not done', showResult: true };
  }

  protected confirm(approved: boolean): void {
    const ask = this.agent()?.ask;
    if (ask?.type !== 'confirm') return;
    this.chat().answer(ask, approved);
  }

  protected submitIdentity(values: IdentityIntakeValues): void {
    const ask = this.agent()?.ask;
    if (ask?.type === 'identity_intake') this.chat().answer(ask, values);
  }

  protected submitChoices(values: ChoicesValues): void {
    const ask = this.agent()?.ask;
    if (ask?.type === 'choices') this.chat().answer(ask, values);
  }

  /** A code on its way, and what the last wrong one left (the ask itself does not say, once its turn ended). */
  protected readonly checkingCode = signal(false);
  protected readonly codeRejected = signal<number | undefined>(undefined);

  protected submitCode(code: string): void {
    const ask = this.agent()?.ask;
    if (ask?.type !== 'otp') return;
    this.checkingCode.set(true);
    this.chat()
      .answer(ask, code)
      .subscribe((outcome) => {
        this.checkingCode.set(false);
        this.codeRejected.set(outcome.status === 'invalid' ? (outcome.attemptsRemaining ?? 0) : undefined);
      });
  }

  protected decline(): void {
    const ask = this.agent()?.ask;
    if (ask !== undefined) this.chat().decline(ask);
  }

  protected retry(): void {
    this.chat().retry(this.message());
  }
}
