/** Runs the blast server in a child process, so the bench process's CPU is the client's alone. */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface BlastChild {
  readonly url: string;
  readonly pid: number | undefined;
  close(): Promise<void>;
}

/** The repository root: the nearest directory up from the working directory holding `bench/blast-server.ts`. */
function benchDir(): string {
  let dir = resolve(process.cwd());
  for (;;) {
    if (existsSync(join(dir, 'bench', 'blast-server.ts'))) return join(dir, 'bench');
    const parent = dirname(dir);
    if (parent === dir) throw new Error('bench/blast-server.ts not found above the working directory');
    dir = parent;
  }
}

/** Forks `bench/blast-server.ts` under tsx and resolves once it listens. */
export function startBlastChild(timeoutMs = 20_000): Promise<BlastChild> {
  const dir = benchDir();
  const child: ChildProcess = fork(join(dir, 'blast-server.ts'), ['--blast-child'], {
    cwd: dirname(dir),
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`blast server did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`blast server exited with ${String(code)} before listening`));
    });
    child.on('message', (message: { type?: string; port?: number }) => {
      if (message.type !== 'listening' || typeof message.port !== 'number') return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolvePromise({
        url: `ws://127.0.0.1:${message.port}/ws`,
        pid: child.pid,
        close: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            // Disconnecting asks the child to close its server and exit; the kill is the fallback.
            child.disconnect();
            setTimeout(() => child.kill(), 2_000).unref();
          }),
      });
    });
  });
}
