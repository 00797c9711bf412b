/** The chat as a person sees it in a terminal: Ctrl-C on typed text, the thinking indicator, word wrapping, the pace. */
import { DEMO_MESSAGES } from '../../src/cli/demo.js';
import { chatArgs, mockServer as server, startChat, text, waitFor } from './harness.js';

const CTRL_C = '\u0003';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const messagesSent = (srv: Awaited<ReturnType<typeof server>>): string[] =>
  srv.received.filter((r) => r.action === 'send_message').map((r) => (r.frame as { message: string }).message);

describe('Ctrl-C in a terminal', () => {
  it('at the prompt with typed text clears the line instead of exiting; at an empty prompt it exits 130', async () => {
    const srv = await server({ script: [text('Echo.')] });
    const chat = startChat(chatArgs({ url: srv.url }), { terminal: true });
    await chat.until('› ');
    chat.keys('half typed');
    chat.keys(CTRL_C);
    const early = await Promise.race([chat.exit, sleep(300).then(() => 'running')]);
    expect(early).toBe('running');
    chat.type('hello');
    await chat.until('agent › Echo.');
    expect(messagesSent(srv)).toEqual(['hello']);
    await chat.until('usage:');
    chat.keys(CTRL_C);
    expect(await chat.exit).toBe(130);
  });

  it('at a form question stops the turn and drops what was typed there: it is not the next message', async () => {
    const srv = await server({
      script: [{ kind: 'toolCall', name: 'request_identity_intake', arguments: JSON.stringify({ fields: [{ key: 'name', required: true }] }) }, text('Thanks.'), text('Next.')],
    });
    const chat = startChat(chatArgs({ url: srv.url }), { terminal: true });
    await chat.until('› ');
    chat.type('contact me');
    await chat.until('Name*: ');
    chat.keys('Bob');
    chat.keys(CTRL_C);
    await chat.until('⏹ stopped');
    chat.type('next one');
    await waitFor(() => messagesSent(srv).length === 2, 3000, () => chat.output);
    expect(messagesSent(srv)).toEqual(['contact me', 'next one']);
    chat.end();
    expect(await chat.exit).toBe(0);
  });
});

describe('thinking indicator', () => {
  it('a terminal shows "thinking…" until the first token arrives, then erases it', async () => {
    const srv = await server({ script: [text('Streaming now.')], tokenDelayMs: 60 });
    const chat = startChat(chatArgs({ url: srv.url }), { terminal: true });
    await chat.until('› ');
    chat.type('hi');
    await chat.until('agent › Streaming now.');
    const raw = chat.raw;
    const shown = raw.indexOf('thinking…');
    expect(shown).toBeGreaterThan(raw.indexOf('hi'));
    // Erased in place (carriage return, erase line) right before the answer's first piece.
    expect(raw.slice(shown + 'thinking…'.length)).toMatch(/^(\u001b\[[0-9;]*m)*\r\u001b\[K(\u001b\[[0-9;]*m)*agent › /);
    expect(raw.match(/thinking…/g)).toHaveLength(1);
    chat.end();
    expect(await chat.exit).toBe(0);
  });

  it('is not shown when the output is not a terminal', async () => {
    const srv = await server({ script: [text('Plain.')], tokenDelayMs: 20 });
    const chat = startChat(chatArgs({ url: srv.url }));
    chat.type('hi');
    await chat.until('agent › Plain.');
    chat.end();
    expect(await chat.exit).toBe(0);
    expect(chat.raw).not.toContain('thinking');
  });
});

describe('word wrapping', () => {
  const ANSWER = 'The quick brown fox jumps over the lazy dog and then keeps running until the streamed answer is much wider than the terminal.';

  it('wraps the streamed answer between words at the terminal width', async () => {
    const srv = await server({ script: [text(ANSWER)] });
    const chat = startChat(chatArgs({ url: srv.url }), { columns: 32 });
    chat.type('hi');
    await chat.until('usage:');
    chat.end();
    expect(await chat.exit).toBe(0);
    const out = chat.output;
    const lines = out.slice(out.indexOf('agent › '), out.indexOf('  usage:')).trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(32);
    expect(lines.map((line, i) => (i === 0 ? line.slice('agent › '.length) : line).trim()).join(' ')).toBe(ANSWER);
  });
});

describe('the demo agent', () => {
  it('--delay paces the embedded server: the answer streams over time', async () => {
    const chat = startChat(chatArgs({ delayMs: 40 }));
    chat.type(DEMO_MESSAGES[0]!);
    await chat.until('agent › ');
    const first = Date.now();
    await chat.until('usage:');
    // Three more frames (two pieces and the final answer) at 40 ms each.
    expect(Date.now() - first).toBeGreaterThanOrEqual(100);
    chat.end();
    expect(await chat.exit).toBe(0);
  });

  it('starts its script over after the last demo message instead of answering empty text', async () => {
    const chat = startChat(chatArgs({ yes: true }), { serverOptions: { tokenDelayMs: 0 } });
    const messages = [...DEMO_MESSAGES, DEMO_MESSAGES[0]!];
    for (const [i, message] of messages.entries()) {
      chat.type(message);
      await waitFor(() => (chat.output.match(/usage:/g) ?? []).length === i + 1, 5000, () => chat.output);
    }
    chat.end();
    expect(await chat.exit).toBe(0);
    expect(chat.output.match(/agent › Hi, I'm the Demo Shop assistant/g)).toHaveLength(2);
    expect(chat.output).not.toContain('(no answer)');
  });
});
