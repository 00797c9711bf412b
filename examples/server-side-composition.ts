/**
 * Server-side composition: a backend job asks the agent on behalf of several customers at once
 * and merges the answers into one stream, one result per customer.
 *
 * Servers run one turn per connection, so one client with a pool of connections
 * (`connectionPool()`) runs the customers' turns side by side, each customer on its own session
 * handle; rxjs does the rest: `mergeMap` with a concurrency limit, `finalize` to close each
 * session, `catchError` so one failing customer does not fail the batch.
 *
 *   npx tsx examples/server-side-composition.ts                      # against the embedded mock server
 *   npx tsx examples/server-side-composition.ts --url ws://host/ws   # against a real server (or SMOOTH_URL)
 */
import { catchError, defer, finalize, from, lastValueFrom, map, mergeMap, of, tap, toArray, type Observable } from 'rxjs';
import { connectionPool, createSmoothClient } from 'smooth-operator-rx';
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

/** At most this many customers at a time: the pool opens as many sockets, each running one turn. */
const CONCURRENCY = 2;

async function run(url: string, log: (line: string) => void): Promise<Result> {
  const client = createSmoothClient({ url, token: process.env.SMOOTH_TOKEN, pool: connectionPool({ maxConnections: CONCURRENCY }) });
  // One customer, start to finish: its own session handle and turn. defer() opens the session only
  // when mergeMap subscribes; any free connection of the pool runs the turn.
  const ask = (customer: (typeof customers)[number]): Observable<CustomerResult> =>
    defer(() => {
      const session = client.session({ agentId: process.env.SMOOTH_AGENT_ID ?? 'demo-agent', userName: customer.name });
      log(`${customer.name} > ${customer.question}`);
      return session.turn(customer.question).pipe(
        finalResponse(),
        map((final) => ({ customer: customer.name, answer: final.text, citations: final.citations.map((citation) => citation.title) })),
        catchError((error: unknown) => of({ customer: customer.name, answer: '', citations: [], error: String(error) })),
        finalize(() => session.close()),
      );
    });

  return lastValueFrom(
    from(customers).pipe(
      mergeMap(ask, CONCURRENCY),
      tap((result) => log(`${result.customer} < ${result.error ?? result.answer} [${result.citations.join(', ')}]`)),
      toArray(),
      finalize(() => client.close()),
    ),
  );
}

runWhenExecuted(import.meta.url, main);
