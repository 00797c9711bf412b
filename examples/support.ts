/**
 * What every example needs around its client code: a server to talk to (the given URL, or the
 * embedded mock server serving the example's script), and a way to run when executed directly.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startMockServer, type MockServerOptions } from 'smooth-operator-rx/testing/server';

export interface ExampleOptions {
  /** Server URL; without one, the example serves its own script on the embedded mock server. */
  url?: string;
  log?: (line: string) => void;
}

/** Runs `run` against `url`, or against the embedded mock server serving `script` when there is none. */
export async function withServer<R>(url: string | undefined, script: MockServerOptions, run: (url: string) => Promise<R>): Promise<R> {
  if (url !== undefined) return run(url);
  const mock = await startMockServer(script);
  try {
    return await run(mock.url);
  } finally {
    await mock.close();
  }
}

/** Runs the example when its file is executed (`npx tsx examples/x.ts [--url ws://…]`); tests import `main` instead. */
export function runWhenExecuted(moduleUrl: string, main: (options: ExampleOptions) => Promise<unknown>): void {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? '').href) return;
  const { values } = parseArgs({ options: { url: { type: 'string' } } });
  main({ url: values.url ?? process.env.SMOOTH_URL }).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
