/**
 * Basic streaming: open a session, ask one question, show the answer as it streams, then the
 * final answer with its usage.
 *
 *   npx tsx examples/basic-streaming.ts                      # against the embedded mock server
 *   npx tsx examples/basic-streaming.ts --url ws://host/ws   # against a real server (or SMOOTH_URL)
 */
import { firstValueFrom, share } from 'rxjs';
import { createSmoothClient, type Usage } from 'smooth-operator-rx';
import { finalResponse, text, tokens } from 'smooth-operator-rx/operators';
import type { MockServerOptions } from 'smooth-operator-rx/testing/server';
import { runWhenExecuted, withServer, type ExampleOptions } from './support.js';

/** The scripted agent of the embedded mock server: one text answer. */
export const mockServerOptions: MockServerOptions = {
  script: [{ kind: 'text', text: 'Your order #1042 shipped yesterday and should arrive on Friday.' }],
};

export interface Result {
  conversationId: string;
  /** The answer's pieces as they arrived (`tokens()`). */
  pieces: string[];
  /** The final answer (`finalResponse()`). */
  answer: string;
  usage: Usage | undefined;
}

export function main(options: ExampleOptions = {}): Promise<Result> {
  return withServer(options.url, mockServerOptions, (url) => run(url, options.log ?? console.log));
}

async function run(url: string, log: (line: string) => void): Promise<Result> {
  // Nothing connects until the first request is subscribed. A token, if the server wants one,
  // rides the `?token=` query parameter.
  const client = createSmoothClient({ url, token: process.env.SMOOTH_TOKEN });
  try {
    // Every method returns a cold Observable; firstValueFrom turns a one-shot request into a Promise.
    const session = await firstValueFrom(client.createSession({ agentId: process.env.SMOOTH_AGENT_ID ?? 'demo-agent', userName: 'Alice' }));
    log(`session ${session.sessionId} (conversation ${session.conversationId})`);

    const message = 'Where is my order #1042?';
    log(`> ${message}`);
    // A turn is cold too: each subscription would send the message again. share() makes the three
    // views below read one turn (they all subscribe before the first event arrives).
    const turn$ = client.turn({ sessionId: session.sessionId, message }).pipe(share());

    // The raw pieces, e.g. to append to a terminal. A piece can end mid-word.
    const pieces: string[] = [];
    turn$.pipe(tokens()).subscribe((piece) => pieces.push(piece));
    // The running answer, e.g. to re-render a chat bubble.
    turn$.pipe(text()).subscribe((answer) => log(`  … ${answer}`));
    // The end of the turn: the complete answer, citations, usage.
    const final = await firstValueFrom(turn$.pipe(finalResponse()));

    log(`< ${final.text}`);
    log(`  ${pieces.length} pieces: ${pieces.map((piece) => JSON.stringify(piece)).join(' ')}`);
    const { promptTokens = 0, completionTokens = 0 } = final.usage ?? {};
    log(`  usage: ${promptTokens} prompt + ${completionTokens} completion tokens`);
    return { conversationId: session.conversationId, pieces, answer: final.text, usage: final.usage };
  } finally {
    client.close();
  }
}

runWhenExecuted(import.meta.url, main);
