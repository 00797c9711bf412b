/** `smooth-rx serve`: the embedded mock server with the demo agent, alone, until Ctrl-C. */
import { firstValueFrom, type Observable } from 'rxjs';
import { startMockServer, type MockServerOptions } from '../testing/mock-server/index.js';
import type { ServeArgs } from './args.js';
import { DEMO_AGENT_ID, DEMO_MESSAGES, demoServerOptions } from './demo.js';
import type { TextSink } from './render.js';

export interface ServeIO {
  readonly output: TextSink;
  /** The first emission (SIGINT) stops the server. */
  readonly interrupts: Observable<unknown>;
  /** Overrides of the demo server's options (tests). */
  readonly serverOptions?: MockServerOptions;
}

/**
 * Starts the demo server, prints its URL (the first line: `listening on ws://…`), and stops it
 * on the first interrupt. Resolves with the exit code; a failure to listen (port in use) rejects
 * with the `listen` error (its `code`, e.g. EADDRINUSE).
 */
export async function runServe(args: ServeArgs, io: ServeIO): Promise<number> {
  const server = await startMockServer(
    demoServerOptions({ port: args.port, host: args.host, ...(args.token !== undefined ? { token: args.token } : {}), ...io.serverOptions }),
  );
  const url = server.url;
  io.output.write(`smooth-rx mock server listening on ${url}\n`);
  io.output.write(`  connect:  smooth-rx chat --url ${url}${args.token !== undefined ? ' --token …' : ''}\n`);
  io.output.write(`  agentId:  any (e.g. ${DEMO_AGENT_ID}); sessions may declare supports: identity_form, choice_chips\n`);
  io.output.write(`  script:   the demo agent answers ${DEMO_MESSAGES.length} turns in order, server-wide, then empty text\n`);
  io.output.write('  Ctrl-C stops the server\n');
  await firstValueFrom(io.interrupts, { defaultValue: undefined });
  await server.close();
  io.output.write(`stopped (${server.connectionCount()} connection(s) served)\n`);
  return 0;
}
