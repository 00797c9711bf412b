/**
 * History and resume: the conversation lives on the server, not in the connection. Talk, close
 * the client (a page reload, a crash), resume the conversation on a new connection, reload its
 * history page by page or all at once, and list the user's conversations.
 *
 *   npx tsx examples/history-and-resume.ts                      # against the embedded mock server
 *   npx tsx examples/history-and-resume.ts --url ws://host/ws   # against a real server (or SMOOTH_URL)
 */
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { createSmoothClient, type ConversationMessage, type ConversationSummary } from 'smooth-operator-rx';
import { text } from 'smooth-operator-rx/operators';
import type { MockServerOptions } from 'smooth-operator-rx/testing/server';
import { runWhenExecuted, withServer, type ExampleOptions } from './support.js';

const QUESTIONS = ['Hi, I ordered a desk lamp last week.', 'When will it arrive?'];

/** The scripted agent of the embedded mock server: one answer per question. */
export const mockServerOptions: MockServerOptions = {
  script: [
    { kind: 'text', text: 'Thanks! I found order #1042: one desk lamp.' },
    { kind: 'text', text: 'It should arrive on Friday.' },
  ],
};

export interface Result {
  conversationId: string;
  firstSessionId: string;
  /** The resumed session: a new sessionId on the same conversation. */
  resumed: { sessionId: string; conversationId: string };
  /** Message ids of each page of `getMessages({ limit, cursor })`, newest first. */
  pages: string[][];
  /** Every message, newest first, from `allMessages()`. */
  messages: ConversationMessage[];
  conversations: ConversationSummary[];
}

export function main(options: ExampleOptions = {}): Promise<Result> {
  return withServer(options.url, mockServerOptions, (url) => run(url, options.log ?? console.log));
}

async function run(url: string, log: (line: string) => void): Promise<Result> {
  const agentId = process.env.SMOOTH_AGENT_ID ?? 'demo-agent';

  // 1. Two turns on a first connection. text()'s last value is the complete answer.
  const first = createSmoothClient({ url, token: process.env.SMOOTH_TOKEN });
  const session = await firstValueFrom(first.createSession({ agentId, userName: 'Alice' }));
  for (const message of QUESTIONS) {
    log(`> ${message}`);
    log(`< ${await lastValueFrom(first.turn({ sessionId: session.sessionId, message }).pipe(text()))}`);
  }
  first.close(); // the connection is gone; the conversation is not
  log(`closed session ${session.sessionId}`);

  // 2. Resume on a new connection: same conversationId, new sessionId (`supports` is inherited).
  const client = createSmoothClient({ url, token: process.env.SMOOTH_TOKEN });
  try {
    const resumed = await firstValueFrom(client.createSession({ agentId, conversationId: session.conversationId }));
    log(`resumed conversation ${resumed.conversationId} as session ${resumed.sessionId}`);
    const { sessionId } = resumed;

    // 3. Page by hand, as a "load older messages" button would: newest first, 3 per page,
    //    passing each page's nextCursor to get the next one.
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await firstValueFrom(client.getMessages({ sessionId, limit: 3, cursor }));
      pages.push(page.messages.map((message) => message.id));
      log(`page ${pages.length}: ${page.messages.length} messages, hasMore ${page.hasMore}`);
      cursor = page.hasMore ? (page.nextCursor ?? undefined) : undefined;
    } while (cursor !== undefined);

    // 4. Or walk it all as one stream: the next page is fetched only once this one is consumed,
    //    so take(n) would stop the walk early.
    const messages = await lastValueFrom(client.allMessages({ sessionId, pageSize: 3 }).pipe(toArray()));
    for (const message of [...messages].reverse()) log(`  ${message.direction === 'inbound' ? 'user ' : 'agent'} ${message.content.text ?? ''}`);

    // 5. The user's conversations, most recent first.
    const conversations = await firstValueFrom(client.listConversations({ limit: 10 }));
    for (const c of conversations) log(`conversation ${c.conversationId}: "${c.title ?? ''}" (${c.messageCount ?? '?'} messages)`);

    return {
      conversationId: session.conversationId,
      firstSessionId: session.sessionId,
      resumed: { sessionId: resumed.sessionId, conversationId: resumed.conversationId },
      pages,
      messages,
      conversations,
    };
  } finally {
    client.close();
  }
}

runWhenExecuted(import.meta.url, main);
