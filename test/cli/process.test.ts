/** The real `smooth-rx` process (tsx on src/cli/main.ts): piped stdio, SIGINT, and a pseudo-terminal. */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { firstValueFrom, switchMap } from 'rxjs';
import { text as answerText } from '../../operators/index.js';
import { createSmoothClient } from '../../src/client/client.js';
import { stripAnsi } from '../../src/cli/render.js';
import { startMockServer, type MockServer } from '../../src/testing/mock-server/index.js';
import { WebSocket } from 'ws';
import { waitFor } from './harness.js';

jest.setTimeout(15_000);

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');

interface Run {
  readonly child: ChildProcessWithoutNullStreams;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exit: Promise<number | null>;
}

function run(args: string[]): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

const servers: MockServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('smooth-rx (process)', () => {
  it('chat --demo --yes runs the demo end to end and exits 0', async () => {
    const cli = run(['chat', '--demo', '--yes', '--delay', '0']);
    cli.child.stdin.end();
    expect(await cli.exit).toBe(0);
    const out = cli.stdout();
    expect(cli.stderr()).toBe('');
    expect(out).toContain('agent › Order 1001 shipped on Monday by express');
    expect(out).toContain('⚙ cancel_order {"orderId":"1001"}');
    expect(out).toContain("? Approve calling tool 'cancel_order'? [y/N] y (--yes)");
    expect(out).toContain('✓ submitted name: Alice Example · email: alice@example.com');
    expect(out).toContain('[1] https://shop.example.com/policies/returns');
    expect(out).toMatch(/usage: \d+ prompt \+ \d+ completion tokens/);
  });

  it('stops a turn on SIGINT (the server receives cancel), goes on, and exits on /quit', async () => {
    const server = await startMockServer({ script: [{ kind: 'text', text: 'A slow answer that SIGINT cuts short before its end.' }, { kind: 'text', text: 'Still here.' }], tokenDelayMs: 150 });
    servers.push(server);
    const cli = run(['chat', '--url', server.url]);
    await waitFor(() => cli.stdout().includes('› '), 8000, cli.stdout);
    cli.child.stdin.write('go slowly\n');
    await waitFor(() => cli.stdout().includes('agent › '), 5000, cli.stdout);
    cli.child.kill('SIGINT');
    await waitFor(() => cli.stdout().includes('⏹ stopped (cancel sent)'), 5000, cli.stdout);
    await waitFor(() => server.received.some((r) => r.action === 'cancel'));
    cli.child.stdin.write('still there?\n');
    await waitFor(() => cli.stdout().includes('usage:'), 5000, cli.stdout);
    expect(cli.stdout()).toContain('agent › Still here.');
    cli.child.stdin.write('/quit\n');
    expect(await cli.exit).toBe(0);
  });

  it('serve prints a URL a client can use, and stops on SIGINT', async () => {
    const cli = run(['serve', '--port', '0', '--delay', '0']);
    await waitFor(() => /listening on (ws:\/\/\S+)/.test(cli.stdout()), 8000, cli.stdout);
    const url = /listening on (ws:\/\/\S+)/.exec(cli.stdout())![1]!;
    const client = createSmoothClient({ url });
    try {
      const answer = await firstValueFrom(
        client.createSession({ agentId: 'front-end' }).pipe(
          switchMap((session) => client.turn({ sessionId: session.sessionId, message: 'Hi! What can you do?' }).pipe(answerText())),
        ),
        { defaultValue: '' },
      );
      expect(answer.length).toBeGreaterThan(0);
    } finally {
      client.close();
    }
    cli.child.kill('SIGINT');
    expect(await cli.exit).toBe(0);
    expect(cli.stdout()).toContain('stopped (1 connection(s) served)');
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('serve stopped with %s closes its clients with 1001 (going away), not an abrupt 1006', async (signal) => {
    const cli = run(['serve', '--port', '0', '--delay', '0']);
    await waitFor(() => /listening on (ws:\/\/\S+)/.test(cli.stdout()), 8000, cli.stdout);
    const url = /listening on (ws:\/\/\S+)/.exec(cli.stdout())![1]!;
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    cli.child.kill(signal);
    expect(await closed).toEqual({ code: 1001, reason: 'server shutting down' });
    expect(await cli.exit).toBe(0);
    expect(cli.stdout()).toContain('stopped (1 connection(s) served)');
  });

  it('prints help; one line and exit 2 on a usage error, 1 on a refused connection; never a stack trace', async () => {
    const server = await startMockServer({});
    const url = server.url;
    await server.close();
    const help = run(['chat', '--help']);
    const usage = run(['chat', '--bogus']);
    const refused = run(['chat', '--url', url]);
    refused.child.stdin.end();
    const [helpExit, usageExit, refusedExit] = await Promise.all([help.exit, usage.exit, refused.exit]);

    expect(helpExit).toBe(0);
    expect(help.stdout()).toContain('Usage: smooth-rx chat [options]');
    expect(usageExit).toBe(2);
    expect(usage.stderr()).toBe("smooth-rx: unknown option '--bogus' for chat (see: smooth-rx chat --help)\n");
    expect(refusedExit).toBe(1);
    expect(refused.stderr()).toMatch(/^smooth-rx: cannot connect to ws:\/\/.*\(CONNECTION_ERROR\)\n$/);
  });

  it('serve on a port in use: one line, exit 1', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const cli = run(['serve', '--port', String(port)]);
      expect(await cli.exit).toBe(1);
      expect(cli.stderr()).toBe(`smooth-rx: port ${port} is in use (try --port 0 or another port)\n`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('never prints the token of a malformed --url', async () => {
    const cli = run(['chat', '--url', 'ws://exa mple/ws?token=SECRET']);
    cli.child.stdin.end();
    expect(await cli.exit).toBe(2);
    expect(cli.stderr()).toMatch(/^smooth-rx: --url '.*token=\*\*\*' is not a URL/);
    expect(cli.stdout() + cli.stderr()).not.toContain('SECRET');
  });
});

const hasPty = spawnSync('python3', ['-c', 'import pty'], { stdio: 'ignore' }).status === 0;

// Drives the chat through a pseudo-terminal: readline in raw mode reports Ctrl-C itself.
const PTY_DRIVER = `
import os, pty, sys, time, select
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out = b''
def pump(seconds, pattern=None):
    global out
    end = time.time() + seconds
    while time.time() < end:
        ready, _, _ = select.select([fd], [], [], 0.01)
        if ready:
            try:
                out += os.read(fd, 4096)
            except OSError:
                return
            if pattern is not None and pattern in out:
                return
pump(8, b'\\xe2\\x80\\xba ')
os.write(fd, b'tell me\\r')
pump(5, b'agent \\xe2\\x80\\xba ')
os.write(fd, b'\\x03')
pump(5, b'stopped')
pump(0.3)
os.write(fd, b'\\x03')
pump(3)
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode('utf8', 'replace'))
sys.stdout.write('\\nEXIT %d\\n' % os.waitstatus_to_exitcode(status))
`;

(hasPty ? describe : describe.skip)('smooth-rx chat in a pseudo-terminal', () => {
  it('Ctrl-C stops the streaming turn, a second Ctrl-C at the prompt exits 130', async () => {
    const server = await startMockServer({ script: [{ kind: 'text', text: 'A slow answer to be stopped by Ctrl-C in a terminal.' }], tokenDelayMs: 150 });
    servers.push(server);
    const driver = spawn('python3', ['-c', PTY_DRIVER, process.execPath, '--import', 'tsx', MAIN, 'chat', '--url', server.url], { cwd: ROOT });
    let out = '';
    driver.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    await new Promise((resolve) => driver.on('close', resolve));
    const screen = stripAnsi(out);
    expect(screen).toContain('agent › ');
    expect(screen).toContain('⏹ stopped (cancel sent)');
    expect(screen).toContain('EXIT 130');
    expect(server.received.some((r) => r.action === 'cancel')).toBe(true);
  });
});

// Runs a command in a pseudo-terminal of a given width and prints what it wrote.
const PTY_WIDTH_DRIVER = `
import os, pty, sys, fcntl, termios, struct
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack('HHHH', 40, int(sys.argv[1]), 0, 0))
    os.execvp(sys.argv[2], sys.argv[2:])
out = b''
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
os.waitpid(pid, 0)
sys.stdout.write(out.decode('utf8', 'replace'))
`;

(hasPty ? describe : describe.skip)('smooth-rx --help in a terminal', () => {
  it.each([50, 80])('fits %i columns, descriptions continuing under their column', async (columns) => {
    const driver = spawn('python3', ['-c', PTY_WIDTH_DRIVER, String(columns), process.execPath, '--import', 'tsx', MAIN, 'chat', '--help'], { cwd: ROOT });
    let out = '';
    driver.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    await new Promise((resolve) => driver.on('close', resolve));
    const lines = stripAnsi(out).replace(/\r/g, '').split('\n');
    expect(lines.some((line) => line.startsWith('  --url URL'))).toBe(true);
    expect(lines.filter((line) => line.length > columns)).toEqual([]);
    const url = lines.findIndex((line) => line.startsWith('  --url URL'));
    if (columns === 50) expect(lines[url + 1]).toMatch(/^ {20}ws:\/\/127\.0\.0\.1:8787\/ws$/);
  });
});
