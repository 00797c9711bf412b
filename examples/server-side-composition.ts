/**
 * Server-side composition: a backend job asks the agent on behalf of several customers at once
 * and merges the answers into one stream, one result per customer.
 *
 * Servers run one turn per connection, so concurrent turns need one client (one WebSocket) each;
 * rxjs does the rest: `mergeMap` with a concurrency limit, `finalize` to close each connection,
 * `catchError` so one failing customer does not fail the batch.
 *
 *   npx tsx examples/server-side-composition.ts                      # against the embedded mock server
 *   npx tsx examples/server-side-composition.ts --url ws://host/ws   # against a real server (or SMOOTH_URL)
 */
import { catchError, defer, finalize, from, lastValueFrom, map, mergeMap, of, switchMap, tap, toArray, type Observable } from 'rxjs';
import { createSmoothClient } from 'smooth-operator-rx';
import { finalResponse } from 'smooth-operator-rx/operators';
import type { MockServerOptions } from 'smooth-operator-rx/testing/server';
import { runWhenExecuted, withServer, type ExampleOptions } from './support.js';

export const customers = [
  { name: 'alice', question: 'How long does shipping take?' },
  { name: 'bob', question: 'Can I return a gift?' },
  { name: 'carol', question: 'What does the warranty cover?' },
] as const;

/**
 * The scripted agent of the embedded mock server. Its script is shared by all connections in
 * arrival order, so every answer is the same text; the citations differ, retrieved from the
 * knowledge documents by each customer's question.
 */
export const mockServerOptions: MockServerOptions = {
  script: customers.map(() => ({ kind: 'text', text: 'Here is what our help centre says.' })),
  knowledge: [
    { source: 'https://help.example.com/shipping', content: 'Shipping takes 3 to 5 business days.' },
    { source: 'https://help.example.com/returns', content: 'Returns are free within 30 days; a gift can be exchanged.' },
    { source: 'https://help.example.com/warranty', content: 'The warranty covers manufacturing defects for two years.' },
  ],
};

export interface CustomerResult {
  customer: string;
  answer: string;
  /** Titles of the sources the answer was grounded on. */
  citations: string[];
  /** Set when this customer's session failed; the others still complete. */
  error?: string;
}

export type Result = CustomerResult[];

export function main(options: ExampleOptions = {}): Promise<Result> {
  return withServer(options.url, mockServerOptions, (url) => run(url, options.log ?? console.log));
}

async function run(url: string, log: (line: string) => void): Promise<Result> {
  // One customer, start to finish: its own connection, session and turn. defer() creates the
  // client only when mergeMap subscribes, so the concurrency limit also limits open sockets.
  const ask = (customer: (typeof customers)[number]): Observable<CustomerResult> =>
    defer(() => {
      const client = createSmoothClient({ url, token: process.env.SMOOTH_TOKEN });
      log(`${customer.name} > ${customer.question}`);
      return client.createSession({ agentId: process.env.SMOOTH_AGENT_ID ?? 'demo-agent', userName: customer.name }).pipe(
        switchMap((session) => client.turn({ sessionId: session.sessionId, message: customer.question })),
        finalResponse(),
        map((final) => ({ customer: customer.name, answer: final.text, citations: final.citations.map((citation) => citation.title) })),
        catchError((error: unknown) => of({ customer: customer.name, answer: '', citations: [], error: String(error) })),
        finalize(() => client.close()),
      );
    });

  return lastValueFrom(
    from(customers).pipe(
      mergeMap(ask, 2), // at most two connections at a time
      tap((result) => log(`${result.customer} < ${result.error ?? result.answer} [${result.citations.join(', ')}]`)),
      toArray(),
    ),
  );
}

runWhenExecuted(import.meta.url, main);
