/**
 * The answers to the chat's asks (write confirmations, forms, choices, one-time codes), from a
 * person at the prompt or from `--yes`.
 */
import { Observable } from 'rxjs';
import type { ChatChoicesAsk, ChatConfirmAsk, ChatIdentityAsk, ChatOtpAsk } from '../chat/index.js';
import type { ChoicesQuestion, ChoicesValues, IdentityIntakeValues } from '../generated/types.js';
import type { LineReader } from './prompts.js';
import type { Screen, Style } from './render.js';

/** A question as a cold Observable: subscribing asks, unsubscribing abandons the question. */
function ask<T>(screen: Screen, run: (signal: AbortSignal) => Promise<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const controller = new AbortController();
    screen.beginPrompt();
    let open = true;
    const close = (): void => {
      if (!open) return;
      open = false;
      screen.endPrompt();
    };
    run(controller.signal).then(
      (value) => {
        close();
        subscriber.next(value);
        subscriber.complete();
      },
      (error: unknown) => {
        close();
        if (!controller.signal.aborted) subscriber.error(error);
      },
    );
    return () => {
      controller.abort();
      close();
    };
  });
}

/** A form's answer: the values, or `undefined` when the user declined it. */
export type FormReply<V> = V | undefined;

/**
 * What the chat asks the human. `attempt` counts the answers asked for the same ask: from 2 on,
 * the server rejected the previous one (its errors are on the ask).
 */
export interface Prompter {
  /** Approve (`true`) or deny a write. */
  confirmWrite(ask: ChatConfirmAsk): Observable<boolean>;
  identity(ask: ChatIdentityAsk, attempt: number): Observable<FormReply<IdentityIntakeValues>>;
  choices(ask: ChatChoicesAsk, attempt: number): Observable<FormReply<ChoicesValues>>;
  /** The one-time code, or `undefined` to dismiss it. */
  otp(ask: ChatOtpAsk, attempt: number): Observable<string | undefined>;
}

const FIELD_LABELS: Readonly<Record<string, string>> = { name: 'Name', email: 'Email', phone: 'Phone' };

export function fieldLabel(field: { key: string; label?: string }): string {
  return field.label !== undefined && field.label !== '' ? field.label : (FIELD_LABELS[field.key] ?? field.key);
}

/** The question of a write confirmation (the tool call and its arguments are shown just above it). */
export function confirmQuestion(ask: Pick<ChatConfirmAsk, 'toolId' | 'actionDescription'>, style: Style): string {
  const { toolId, actionDescription } = ask;
  return `  ${style.yellow('?')} ${actionDescription || `Approve calling tool '${toolId}'?`} ${style.bold('[y/N]')} `;
}

function formHeader(screen: Screen, style: Style, title: string, reason: string | undefined): void {
  screen.directLine(`  ${style.yellow('▤')} ${title}${reason !== undefined && reason !== '' ? style.dim(` (${reason})`) : ''}`);
}

/** Parses an answer to a numbered question: option labels, or free text as `other`. */
export function parseChoice(answer: string, question: ChoicesQuestion): { options?: string[]; other?: string } | { error: string } {
  const trimmed = answer.trim();
  if (trimmed === '') return { error: 'Choose an option.' };
  const tokens = trimmed.split(/[\s,]+/).filter((t) => t !== '');
  if (tokens.every((t) => /^\d+$/.test(t))) {
    const picked = [...new Set(tokens.map(Number))];
    const bad = picked.find((n) => n < 1 || n > question.options.length);
    if (bad !== undefined) return { error: `${bad} is not an option (1-${question.options.length}).` };
    if (picked.length > 1 && question.multiSelect !== true) return { error: 'Choose only one option.' };
    return { options: picked.map((n) => question.options[n - 1]!.label) };
  }
  return { other: trimmed };
}

/** The chat's commands that only the prompt takes (`/new`, `/help`). */
const isPromptCommand = (line: string): boolean => line.trim() === '/new' || line.trim() === '/help';

/** `/quit` (or `/exit`) typed at any question. */
const isQuit = (line: string): boolean => line.trim() === '/quit' || line.trim() === '/exit';

/**
 * Asks a person through `reader`. `/quit` at a question calls `quit` and answers nothing the
 * server would take as data (a write is denied, a form declined).
 */
export function humanPrompter(reader: LineReader, screen: Screen, style: Style, quit: () => void): Prompter {
  const previous = new Map<string, IdentityIntakeValues>();
  const askLine = async (prompt: string, signal: AbortSignal): Promise<string | null> => {
    for (;;) {
      const line = await reader.read(prompt, signal, 'question');
      if (line !== null && isPromptCommand(line)) {
        // A command is never sent as data (a name of "/new"): it waits for the prompt.
        screen.direct(style.dim(`    (${line.trim()} works at the › prompt; /skip declines this question)\n`));
        continue;
      }
      if (line === null || !isQuit(line)) return line;
      quit();
      return null;
    }
  };
  return {
    confirmWrite: (confirm) =>
      ask(screen, async (signal) => {
        screen.newline();
        for (;;) {
          const line = await askLine(confirmQuestion(confirm, style), signal);
          if (line === null) {
            screen.direct(style.dim('  (input ended: denied)\n'));
            return false;
          }
          const answer = line.trim().toLowerCase();
          if (answer === 'y' || answer === 'yes') return true;
          if (answer === 'n' || answer === 'no' || answer === '') return false;
          screen.direct(style.dim('  please answer y or n\n'));
        }
      }),
    identity: (form, attempt) =>
      ask(screen, async (signal) => {
        const { fields } = form.spec;
        const values: IdentityIntakeValues = { ...(previous.get(form.interactionId) ?? {}) };
        const failed = new Set(form.errors.map((e) => e.field));
        const retry = attempt > 1;
        formHeader(screen, style, retry ? 'Please correct your details' : 'The agent asks for your details', retry ? undefined : form.reason);
        if (!retry) screen.direct(style.dim('    (/skip declines)\n'));
        for (const field of fields) {
          if (retry && !failed.has(field.key) && values[field.key] !== undefined) continue;
          const line = await askLine(`    ${fieldLabel(field)}${field.required === true ? '*' : ''}: `, signal);
          if (line === null || line.trim() === '/skip') {
            screen.direct(style.dim('  (declined)\n'));
            return undefined;
          }
          if (line.trim() === '') delete values[field.key];
          else values[field.key] = line.trim();
        }
        previous.set(form.interactionId, values);
        return values;
      }),
    choices: (form, attempt) =>
      ask(screen, async (signal) => {
        formHeader(screen, style, attempt > 1 ? 'Please answer again' : 'The agent asks you to choose', form.reason);
        const answers: ChoicesValues['answers'] = [];
        for (const question of form.spec.questions) {
          showOptions(screen, style, question);
          const hint = question.multiSelect === true ? `1-${question.options.length}, several with commas` : `1-${question.options.length}`;
          for (;;) {
            const line = await askLine(`    choose ${hint} (or type an answer, /skip): `, signal);
            if (line === null || line.trim() === '/skip') {
              screen.direct(style.dim('  (declined)\n'));
              return undefined;
            }
            const parsed = parseChoice(line, question);
            if ('error' in parsed) {
              screen.directLine(style.red(`    ${parsed.error}`));
              continue;
            }
            answers.push({ header: question.header, ...parsed });
            break;
          }
        }
        return { answers };
      }),
    otp: (code, attempt) =>
      ask(screen, async (signal) => {
        if (attempt === 1) otpHeader(screen, style, code);
        else screen.directLine(style.red(`    ✗ ${otpRejection(code)}`));
        for (;;) {
          const line = await askLine('    code (/skip dismisses): ', signal);
          if (line === null || line.trim() === '/skip') {
            screen.direct(style.dim('  (dismissed)\n'));
            return undefined;
          }
          if (line.trim() !== '') return line.trim();
        }
      }),
  };
}

function showOptions(screen: Screen, style: Style, question: ChoicesQuestion): void {
  screen.directLine(`    ${style.bold(question.question)}${style.dim(` [${question.header}]`)}`);
  question.options.forEach((option, i) => {
    screen.directLine(`     ${i + 1}) ${option.label}${option.description !== undefined ? style.dim(` · ${option.description}`) : ''}`);
  });
}

/** `🔒 Cancelling needs a one-time code, sent by sms to ***1234`. */
function otpHeader(screen: Screen, style: Style, code: ChatOtpAsk): void {
  const what = code.actionDescription !== undefined && code.actionDescription !== '' ? code.actionDescription : `${code.toolId} needs your identity verified`;
  const sent = code.sent;
  const where = sent === undefined ? '' : style.dim(` (a one-time code was sent${sent.channel !== undefined ? ` by ${sent.channel}` : ''}${sent.maskedDestination !== undefined ? ` to ${sent.maskedDestination}` : ''})`);
  screen.directLine(`  ${style.yellow('🔒')} ${what}${where}`);
}

/** The server's word on a wrong code, with the attempts left. */
function otpRejection(code: ChatOtpAsk): string {
  const message = code.invalid?.message;
  if (message !== undefined && message !== '') return message;
  const left = code.invalid?.attemptsRemaining;
  return `That code is not valid${left === undefined ? '' : ` (${left} attempt${left === 1 ? '' : 's'} left)`}.`;
}

/** Values `--yes` answers with. */
export interface AutoAnswers {
  readonly name: string;
  readonly email: string;
  readonly phone: string;
}

/**
 * Answers without a person (`--yes`): approves writes, fills forms with `answers`, picks the
 * first option of every question, dismisses one-time codes (nobody can read them); prints each
 * answer after its question.
 */
export function autoPrompter(screen: Screen, style: Style, answers: AutoAnswers): Prompter {
  const auto = style.dim(' (--yes)');
  // Nobody is there to correct what the server rejected: the same values would fail again.
  const declineRetry = (): undefined => {
    screen.directLine(style.dim(`  (declined${auto.trimEnd()})`));
    return undefined;
  };
  return {
    confirmWrite: (confirm) =>
      ask(screen, async () => {
        screen.newline();
        screen.directLine(`${confirmQuestion(confirm, style)}y${auto}`);
        return true;
      }),
    identity: (form, attempt) =>
      ask(screen, async () => {
        if (attempt > 1) return declineRetry();
        formHeader(screen, style, 'The agent asks for your details', form.reason);
        const values: IdentityIntakeValues = {};
        for (const field of form.spec.fields) {
          const value = answers[field.key];
          values[field.key] = value;
          screen.directLine(`    ${fieldLabel(field)}${field.required === true ? '*' : ''}: ${value}${auto}`);
        }
        return values;
      }),
    choices: (form, attempt) =>
      ask(screen, async () => {
        if (attempt > 1) return declineRetry();
        formHeader(screen, style, 'The agent asks you to choose', form.reason);
        const picked: ChoicesValues['answers'] = [];
        for (const question of form.spec.questions) {
          showOptions(screen, style, question);
          const first = question.options[0];
          screen.directLine(`    choose: 1 ${first.label}${auto}`);
          picked.push({ header: question.header, options: [first.label] });
        }
        return { answers: picked };
      }),
    otp: (code) =>
      ask(screen, async () => {
        otpHeader(screen, style, code);
        screen.directLine(style.dim(`    (dismissed: a one-time code needs a person)${auto}`));
        return undefined;
      }),
  };
}
