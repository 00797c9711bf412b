/**
 * Human in the loop: the agent asks who you are (a form) and for approval before it writes;
 * operators answer both inside the stream while `transcript()` keeps a UI model up to date.
 * Then a second turn is stopped mid-stream with a one-line Stop button.
 *
 *   npx tsx examples/hitl.ts                      # against the embedded mock server
 *   npx tsx examples/hitl.ts --url ws://host/ws   # against a real server (or SMOOTH_URL)
 */
import { Subject, distinctUntilChanged, firstValueFrom, last, lastValueFrom, map, takeUntil, tap, timer } from 'rxjs';
import { createSmoothClient } from 'smooth-operator-rx';
import { answerInteractions, confirmWrites, text, transcript, type TurnTranscript } from 'smooth-operator-rx/operators';
import type { MockServerOptions } from 'smooth-operator-rx/testing/server';
import { runWhenExecuted, withServer, type ExampleOptions } from './support.js';

const LONG_ANSWER =
  'Our return policy: any item can be returned within 30 days of delivery, free of charge. ' +
  'Refunds go back to the original payment method within 5 business days.';

/**
 * The scripted agent of the embedded mock server. Turn 1: ask for the customer's identity, then
 * call a write tool gated by a confirmation, then answer. Turn 2: a long answer (to be stopped).
 */
export const mockServerOptions: MockServerOptions = {
  script: [
    {
      kind: 'toolCall',
      name: 'request_identity_intake',
      arguments: JSON.stringify({ fields: [{ key: 'name', required: true }, { key: 'email', required: true }], reason: 'To verify the order owner' }),
    },
    { kind: 'toolCall', name: 'update_address', arguments: JSON.stringify({ orderId: '1042', address: '1 Main St, Springfield' }) },
    { kind: 'text', text: 'Done: order #1042 will be delivered to 1 Main St, Springfield.' },
    { kind: 'text', text: LONG_ANSWER },
  ],
  tools: [{ name: 'update_address', result: (args) => `order ${String(args.orderId)} now ships to ${String(args.address)}` }],
  confirmTools: ['update_address'],
  // Pace the frames like a real model, so that Stop lands mid-stream.
  tokenDelayMs: 40,
};

/** How long our simulated human takes to click or type (any time works: the turn waits). */
const HUMAN_MS = 100;

export interface Result {
  sessionId: string;
  /** Every write confirmation and what we answered. */
  confirmations: { toolId: string; approved: boolean }[];
  /** The email of each form submission; the server rejected all but the last. */
  emailsSubmitted: string[];
  /** The server's field errors on rejected submissions. */
  fieldErrors: string[];
  /** The completed turn as the UI last saw it. */
  final: TurnTranscript;
  /** The stopped turn: what had streamed when Stop was clicked. */
  stopped: { message: string; partialAnswer: string };
}

export function main(options: ExampleOptions = {}): Promise<Result> {
  return withServer(options.url, mockServerOptions, (url) => run(url, options.log ?? console.log));
}

async function run(url: string, log: (line: string) => void): Promise<Result> {
  const client = createSmoothClient({ url, token: process.env.SMOOTH_TOKEN });
  try {
    // Declaring `identity_form` lets the agent send a form; without it, it asks in plain text.
    const session = await firstValueFrom(
      client.createSession({ agentId: process.env.SMOOTH_AGENT_ID ?? 'demo-agent', userName: 'Alice', supports: ['identity_form'] }),
    );
    const { sessionId } = session;

    // Turn 1: the operators answer the agent; the ack and the resumed events continue in the same stream.
    const confirmations: Result['confirmations'] = [];
    const emailsSubmitted: string[] = [];
    const fieldErrors: string[] = [];
    const message = 'Please ship order #1042 to 1 Main St, Springfield.';
    log(`> ${message}`);
    const final = await lastValueFrom(
      client.turn({ sessionId, message }).pipe(
        // A real app opens a dialog here and returns its answer: a boolean, a Promise or an
        // Observable of one. Here the human approves after a moment.
        confirmWrites((ask) => {
          confirmations.push({ toolId: ask.data.data.toolId, approved: true });
          return timer(HUMAN_MS).pipe(map(() => true));
        }),
        // The handler is called again with the server's field errors while it rejects the values:
        // here the user's first email has a typo, fixed on the second attempt.
        answerInteractions({
          identity_intake: (ask) => {
            fieldErrors.push(...ask.errors.map((error) => `${error.field ?? '?'}: ${error.message}`));
            const email = ask.attempt === 1 ? 'alice@example' : 'alice@example.com';
            emailsSubmitted.push(email);
            return timer(HUMAN_MS).pipe(map(() => ({ values: { name: 'Alice Martin', email } })));
          },
        }),
        // The UI model: one immutable TurnTranscript per event (status, answer, tools, pending ask).
        transcript(),
        distinctUntilChanged((a, b) => a.status === b.status && a.pending === b.pending),
        tap((t) => log(`  [${t.status}] ${describePending(t)}`.trimEnd())),
        last(),
      ),
    );
    log(`< ${final.answer}`);
    for (const tool of final.tools) log(`  tool ${tool.name}: ${tool.status}`);

    // Turn 2: the Stop button. Unsubscribing from a turn sends `cancel`; takeUntil does it when
    // stop$ fires. Here the "user" clicks Stop as soon as the answer starts to appear.
    const stop$ = new Subject<void>();
    const stopMessage = 'Tell me everything about your return policy.';
    log(`> ${stopMessage}`);
    let partialAnswer = '';
    await new Promise<void>((resolve, reject) =>
      client
        .turn({ sessionId, message: stopMessage })
        .pipe(text(), takeUntil(stop$))
        .subscribe({
          next: (answer) => {
            partialAnswer = answer;
            log(`  … ${answer}`);
            stop$.next(); // the click
          },
          complete: resolve,
          error: reject,
        }),
    );
    log('  [stopped]');
    // Only because this script closes the connection next: a round trip guarantees the server
    // has read the `cancel` (an app keeps its connection and simply sends the next message).
    await firstValueFrom(client.ping());

    return { sessionId, confirmations, emailsSubmitted, fieldErrors, final, stopped: { message: stopMessage, partialAnswer } };
  } finally {
    client.close();
  }
}

/** What a UI would render for the human, as one line. */
function describePending(t: TurnTranscript): string {
  switch (t.pending?.ask) {
    case 'write_confirmation':
      return `confirm? ${t.pending.actionDescription}`;
    case 'interaction': {
      const errors = t.pending.errors.map((error) => error.message).join(' ');
      return `form ${t.pending.kind}${errors === '' ? '' : ` (invalid: ${errors})`}`;
    }
    case 'otp':
      return `one-time code for ${t.pending.toolId}`;
    default:
      return t.answer;
  }
}

runWhenExecuted(import.meta.url, main);
