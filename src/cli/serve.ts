/** `smooth-rx serve`: the embedded mock server with the demo agent, alone, until Ctrl-C. */
import { firstValueFrom, type Observable } from 'rxjs';
import { startMockServer, type MockServer, type MockServerOptions } from '../testing/mock-server/index.js';
import { CliError, type ServeArgs } from './args.js';
import { DEMO_AGENT_ID, DEMO_MESSAGES, demoServerOptions } from './demo.js';
import type { TextSink } from './render.js';

export interface ServeIO {
  readonly output: TextSink;
  /** The first emission (SIGINT, SIGTERM) stops the server. */
  readonly interrupts: Observable<unknown>;
  /** Overrides of the demo server's options (tests). */
  readonly serverOptions?: MockServerOptions;
}

/** How a stopped server says goodbye: 1001 "going away", as servers do on shutdown. */
export const SHUTDOWN_CLOSE = { code: 1001, reason: 'server shutting down' } as const;

/**
 * Starts the demo server, prints its URL (the first line: `listening on ws://…`), and stops it
 * on the first interrupt, closing its clients' sockets with {@link SHUTDOWN_CLOSE} (a client that
 * does not answer the close within a second is cut). Resolves with the exit code; a failure to listen rejects with a
 * `CliError` whose code is the `listen` error's (`EADDRINUSE`: "port N is in use (try --port 0
 * or another port)"), printed as one line.
 */
export async function runServe(args: ServeArgs, io: ServeIO): Promise<number> {
  const server = await listen(args, io.serverOptions);
  const url = server.url;
  io.output.write(`smooth-rx mock server listening on ${url}\n`);
  io.output.write(`  connect:  smooth-rx chat --url ${url}${args.token !== undefined ? ' --token …' : ''}\n`);
  io.output.write(`  agentId:  any (e.g. ${DEMO_AGENT_ID}); sessions may declare supports: identity_form, choice_chips\n`);
  io.output.write(`  script:   the demo agent answers its ${DEMO_MESSAGES.length} demo turns in order, server-wide, then starts over\n`);
  io.output.write('  Ctrl-C stops the server\n');
  await firstValueFrom(io.interrupts, { defaultValue: undefined });
  await server.close(SHUTDOWN_CLOSE);
  io.output.write(`stopped (${server.connectionCount()} connection(s) served)\n`);
  return 0;
}

async function listen(args: ServeArgs, overrides: MockServerOptions | undefined): Promise<MockServer> {
  try {
    return await startMockServer(
      demoServerOptions({
        port: args.port,
        host: args.host,
        ...(args.token !== undefined ? { token: args.token } : {}),
        ...(args.delayMs !== undefined ? { tokenDelayMs: args.delayMs } : {}),
        ...overrides,
      }),
    );
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'EADDRINUSE') throw new CliError(code, `port ${args.port} is in use (try --port 0 or another port)`);
    if (code === 'EACCES') throw new CliError(code, `no permission to listen on port ${args.port} (try a port above 1023, or --port 0)`);
    if (code === 'EADDRNOTAVAIL') throw new CliError(code, `cannot listen on ${args.host}: not an address of this machine (try --host 127.0.0.1)`);
    throw error;
  }
}
