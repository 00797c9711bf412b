#!/usr/bin/env node
/** Entry of the `smooth-rx` bin: parses the arguments, wires the process (stdio, SIGINT), runs a command. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Subject } from 'rxjs';
import { CliError, helpText, parseArgs, type CliArgs } from './args.js';
import { runChat } from './chat.js';
import { fitText } from './layout.js';
import { describeError, useColor } from './render.js';
import { maskSecrets } from './secrets.js';
import { runServe } from './serve.js';

function version(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'smooth-operator-rx') return pkg.version ?? 'unknown';
    } catch {
      // not here: look one level up
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

async function main(argv: readonly string[]): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (error) {
    process.stderr.write(`smooth-rx: ${maskSecrets(describeError(error))}\n`);
    return error instanceof CliError && error.code === 'USAGE' ? 2 : 1;
  }
  if (args.command === 'help') {
    process.stdout.write(fitText(helpText(args.topic), process.stdout.isTTY ? process.stdout.columns : undefined));
    return 0;
  }
  if (args.command === 'version') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }

  const interrupts = new Subject<void>();
  const onSigint = (): void => interrupts.next();
  process.on('SIGINT', onSigint);
  // A service manager (or `kill`) stops the server with SIGTERM: it closes its clients as Ctrl-C does.
  if (args.command === 'serve') process.on('SIGTERM', onSigint);
  try {
    if (args.command === 'serve') return await runServe(args, { output: process.stdout, interrupts });
    return await runChat(args, {
      input: process.stdin,
      output: process.stdout,
      errorOutput: process.stderr,
      terminal: process.stdin.isTTY === true && process.stdout.isTTY === true,
      columns: () => (process.stdout.isTTY ? process.stdout.columns : undefined),
      color: useColor(args.color, process.stdout.isTTY, process.env),
      interrupts,
    });
  } catch (error) {
    process.stderr.write(`smooth-rx: ${maskSecrets(describeError(error), [args.token])}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

// A closed pipe (`smooth-rx chat --demo --yes | head`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    // Exit explicitly once stdout is flushed: a half-open stdin or socket must not keep the chat alive.
    process.stdout.write('', () => process.exit(code));
  },
  (error: unknown) => {
    process.stderr.write(`smooth-rx: ${describeError(error)}\n`);
    process.exit(1);
  },
);
