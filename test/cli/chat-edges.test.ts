/** The terminal chat's edges, each once a bug: type-ahead in a terminal, /quit at a question, --yes against a rejected form. */
import { PassThrough } from 'node:stream';
import { Subject } from 'rxjs';
import { runChat } from '../../src/cli/chat.js';
import { DEMO_MESSAGES } from '../../src/cli/demo.js';
import { chatArgs, mockServer as server, startChat, text, waitFor } from './harness.js';


// eslint-disable-next-line no-control-regex
const stripTerminal = (s: string): string => s.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');

/** `runChat` as in a terminal (`terminal: true`: readline echoes and edits the lines). */
function startTerminalChat(url: string) {
  const input = new PassThrough();
  const output = new PassThrough();
  let written = '';
  output.setEncoding('utf8');
  output.on('data', (chunk: string) => (written += chunk));
  const exit = runChat(chatArgs({ url }), { input, output, terminal: true, interrupts: new Subject<void>() });
  return {
    output: () => stripTerminal(written),
    type: (line: string) => input.write(`${line}\n`),
    until: (needle: string) => waitFor(() => stripTerminal(written).includes(needle), 5000, () => `output never contained ${needle}:\n${stripTerminal(written)}`),
    end: () => input.end(),
    exit,
  };
}

describe('chat edges', () => {
  it('a line typed ahead while a turn runs does not answer the write confirmation asked after it (terminal)', async () => {
    const srv = await server({
      script: [{ kind: 'toolCall', name: 'wipe', arguments: '{}' }, text('Wiped.'), text('Next answer.')],
      tools: [{ name: 'wipe', result: 'wiped' }],
      confirmTools: ['wipe'],
    });
    const chat = startTerminalChat(srv.url);
    await chat.until('exits');
    // The user sends a message and, while the agent works, already types the next question.
    chat.type('wipe it');
    chat.type('what happens next?');
    await chat.until('[y/N] ');
    await new Promise((resolve) => setTimeout(resolve, 200));
    // The type-ahead is not an answer to a question shown after it was typed.
    expect(chat.output()).not.toContain('please answer y or n');
    chat.type('y');
    await chat.until('✓ wipe → wiped');
    await chat.until('Wiped.');
    // ...and it is not lost: it is the next message.
    await waitFor(() => srv.received.filter((r) => r.action === 'send_message').length === 2, 3000, () => chat.output());
    const second = srv.received.filter((r) => r.action === 'send_message')[1]!.frame as { message: string };
    expect(second.message).toBe('what happens next?');
    chat.end();
    expect(await chat.exit).toBe(0);
  });

  it('/quit typed at a form question exits instead of being submitted as a value', async () => {
    const srv = await server({
      script: [{ kind: 'toolCall', name: 'request_identity_intake', arguments: JSON.stringify({ fields: [{ key: 'name', required: true }] }) }, text('Thanks.')],
    });
    const chat = startChat(chatArgs({ url: srv.url }));
    chat.type('contact me');
    await chat.until('Name*: ');
    chat.type('/quit');
    const code = await Promise.race([chat.exit, new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 2000))]);
    const submits = srv.received.filter((r) => r.action === 'submit_interaction').map((r) => r.frame as { values?: Record<string, unknown> });
    expect(submits.some((s) => s.values?.name === '/quit')).toBe(false);
    expect(code).toBe(0);
  });

  // /new typed at a form question is never submitted as the field's value: it waits for the prompt.
  it('/new typed at a form question is not submitted as a value', async () => {
    const srv = await server({
      script: [{ kind: 'toolCall', name: 'request_identity_intake', arguments: JSON.stringify({ fields: [{ key: 'name', required: true }] }) }, text('Thanks.')],
    });
    const chat = startChat(chatArgs({ url: srv.url }));
    chat.type('contact me');
    await chat.until('Name*: ');
    chat.type('/new');
    await new Promise((resolve) => setTimeout(resolve, 500));
    try {
      const submits = srv.received.filter((r) => r.action === 'submit_interaction').map((r) => r.frame as { values?: Record<string, unknown> });
      expect(submits.some((s) => s.values?.name === '/new')).toBe(false);
    } finally {
      chat.end();
      await chat.exit;
    }
  });

  it('--yes does not resubmit the same rejected form values again and again', async () => {
    const chat = startChat(chatArgs({ demo: true, yes: true, userEmail: 'not-an-email' }), { serverOptions: { tokenDelayMs: 0 } });
    expect(await chat.exit).toBe(0);
    expect(chat.output).toContain(`› ${DEMO_MESSAGES[3]}`);
    // The server rejected the email once; answering with the very same values four more times cannot help.
    expect(chat.output.match(/Email\*: not-an-email \(--yes\)/g)).toHaveLength(1);
  });
});

describe('secrets on screen', () => {
  it('a token in --url is masked in the header and in connection errors', async () => {
    const chat = startChat(chatArgs({ url: 'ws://127.0.0.1:9/ws?token=s3cret' }));
    expect(await chat.exit).toBe(1);
    expect(chat.output).not.toContain('s3cret');
    expect(chat.output).toContain('token=***');
  });
});

describe('write confirmations', () => {
  it('with a slow server the tool call line still comes before the [y/N] question', async () => {
    const srv = await server({
      script: [{ kind: 'toolCall', name: 'wipe', arguments: '{"all":true}' }, text('Done.')],
      tools: [{ name: 'wipe', result: 'wiped' }],
      confirmTools: ['wipe'],
      tokenDelayMs: 450,
    });
    const chat = startChat(chatArgs({ url: srv.url }));
    chat.type('wipe it');
    await chat.until('[y/N] ');
    chat.type('y');
    await chat.until('agent › Done.', { timeoutMs: 8000 });
    chat.end();
    expect(await chat.exit).toBe(0);
    expect(chat.output.indexOf('⚙ wipe {"all":true}')).toBeGreaterThan(-1);
    expect(chat.output.indexOf('⚙ wipe {"all":true}')).toBeLessThan(chat.output.indexOf('[y/N]'));
  }, 10_000);

  it('a denied write reads "denied", not "failed"', async () => {
    const srv = await server({ script: [{ kind: 'toolCall', name: 'wipe', arguments: '{}' }, text('Okay.')], tools: [{ name: 'wipe', result: 'wiped' }], confirmTools: ['wipe'] });
    const chat = startChat(chatArgs({ url: srv.url }));
    chat.type('wipe it');
    await chat.until('[y/N] ');
    chat.type('n');
    await chat.until('agent › Okay.');
    chat.end();
    expect(await chat.exit).toBe(0);
    expect(chat.output).toContain('  ✗ wipe denied\n');
    expect(chat.output).not.toContain('failed');
  });
});

describe('connection errors give hints', () => {
  it('HTTP 400 at the handshake: wrong path', async () => {
    const srv = await server({});
    const chat = startChat(chatArgs({ url: srv.url.replace(/\/ws$/, '/chat') }));
    expect(await chat.exit).toBe(1);
    expect(chat.output).toMatch(/smooth-rx: cannot connect to .*wrong path\? reference servers serve \/ws\n$/);
  });

  it('close code 4001: check --token', async () => {
    const srv = await server({ token: 'right' });
    const chat = startChat(chatArgs({ url: srv.url, token: 'wrong' }));
    expect(await chat.exit).toBe(1);
    expect(chat.output).toMatch(/smooth-rx: cannot connect to .*4001.*check --token\n$/);
  });
});

describe('the token never reaches the screen', () => {
  it('not in an error whose text carries it (a server echoing the query in its close reason), nor in --verbose lines', async () => {
    const { WebSocketServer } = await import('ws');
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    wss.on('connection', (socket, request) => socket.close(4003, `refused ${request.url ?? ''}`));
    try {
      const { port } = wss.address() as { port: number };
      const chat = startChat(chatArgs({ url: `ws://127.0.0.1:${port}/ws?tenant=a`, token: 'T0P-SECRET', verbose: true }));
      expect(await chat.exit).toBe(1);
      expect(chat.output).toContain('refused /ws?tenant=a&token=');
      expect(chat.output).not.toContain('T0P-SECRET');
    } finally {
      await new Promise((resolve) => wss.close(resolve));
    }
  });

  it('not in a server error that echoes it', async () => {
    const { WebSocketServer } = await import('ws');
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    wss.on('connection', (socket, request) => {
      const token = new URL(request.url ?? '/', 'ws://x').searchParams.get('token') ?? '';
      socket.on('message', (data: Buffer) => {
        const { requestId } = JSON.parse(data.toString()) as { requestId: string };
        const error = { code: 'UNAUTHORIZED', message: `token ${token} is not valid here` };
        socket.send(JSON.stringify({ type: 'error', requestId, data: { requestId, error }, error }));
      });
    });
    try {
      const { port } = wss.address() as { port: number };
      const chat = startChat(chatArgs({ url: `ws://127.0.0.1:${port}/ws`, token: 'T0P-SECRET' }));
      expect(await chat.exit).toBe(1);
      expect(chat.output).toContain('is not valid here');
      expect(chat.output).not.toContain('T0P-SECRET');
    } finally {
      await new Promise((resolve) => wss.close(resolve));
    }
  });

  it('not in the usage error of a malformed --url', async () => {
    const chat = startChat(chatArgs({ url: 'ws://exa mple/ws?token=SECRET' }));
    expect(await chat.exit).toBe(1);
    expect(chat.output).not.toContain('SECRET');
  });
});
