/**
 * The chat as it reads at a terminal's width: every line fits and breaks between words, keys
 * typed while an answer streams wait for the next prompt, and an outage is one updating line.
 */
import stringWidth from 'string-width';
import { DEMO_MESSAGES } from '../../src/cli/demo.js';
import { fitLine } from '../../src/cli/layout.js';
import { chatArgs, mockServer as server, startChat, text, waitFor } from './harness.js';
import { renderTerminal } from './virtual-terminal.js';

const messagesSent = (srv: Awaited<ReturnType<typeof server>>): string[] =>
  srv.received.filter((r) => r.action === 'send_message').map((r) => (r.frame as { message: string }).message);

/** The words of a transcript, whatever the line breaks and indents (ids and ports made stable). */
const words = (output: string): string =>
  output
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'ID')
    .replace(/127\.0\.0\.1:\d+/g, 'HOST')
    .replace(/\s+/g, ' ')
    .trim();

/** The demo, typed in (with `/help`), answered by `--yes`, at a width (or none). */
async function demoTranscript(columns: number | undefined): Promise<string> {
  const chat = startChat(chatArgs({ yes: true }), { ...(columns !== undefined ? { columns } : {}), serverOptions: { tokenDelayMs: 0 } });
  await chat.until('› ');
  chat.type('/help');
  for (const message of DEMO_MESSAGES) chat.type(message);
  chat.end();
  expect(await chat.exit).toBe(0);
  return chat.output;
}

describe('at a terminal width', () => {
  it.each([50, 80])('every line of the demo, header and /help included, fits %i columns and breaks between words', async (columns) => {
    const [wide, narrow] = await Promise.all([demoTranscript(undefined), demoTranscript(columns)]);
    const tooWide = narrow.split('\n').filter((line) => stringWidth(line) > columns);
    expect(tooWide).toEqual([]);
    // Only the breaks differ from the unwrapped transcript: no word was cut in two.
    expect(words(narrow)).toBe(words(wide));
    expect(narrow).toContain('Type a message and press Enter.');
  }, 20_000);

  it('an error line wraps under its text, between words', async () => {
    const srv = await server({ script: [text('Never finished, this one.'), text('Back again.')], faults: { dropAtEvent: 3, turns: [0] } });
    const chat = startChat(chatArgs({ url: srv.url }), { columns: 50 });
    chat.type('hello');
    await chat.until('reconnected');
    chat.end();
    await chat.exit;
    const lines = chat.output.split('\n');
    const first = lines.findIndex((line) => line.startsWith('  ✗ '));
    expect(lines.slice(first, first + 4)).toEqual([
      '  ✗ the connection dropped before the answer was',
      '    complete (connection closed 1006); send your',
      '    message again to go on',
      expect.not.stringMatching(/^ {4}\S/),
    ]);
  });

  it('fitLine hangs continuation lines under the text after the marker, keeps styles and a prompt’s trailing space', () => {
    expect(fitLine('  ⚙ lookup_order {"orderId":"1001","note":"leave it at the door please"}', 40)).toBe(
      '  ⚙ lookup_order\n    {"orderId":"1001","note":"leave it\n    at the door please"}',
    );
    expect(fitLine('   [2] Shipping policy · standard delivery takes 3 to 5 business days', 40)).toBe(
      '   [2] Shipping policy · standard\n       delivery takes 3 to 5 business\n       days',
    );
    const dim = (s: string) => `\u001b[2m${s}\u001b[22m`;
    const styled = fitLine(dim('  usage: 20 prompt + 10 completion tokens · $0.000070'), 40);
    expect(styled.replace(/\u001b\[\d+m/g, '')).toBe('  usage: 20 prompt + 10 completion\n         tokens · $0.000070');
    expect(fitLine('  ? Approve calling tool cancel_order for order 1001? [y/N] ', 40)).toBe('  ? Approve calling tool cancel_order\n    for order 1001? [y/N] ');
    expect(fitLine('  -y, --yes         answer without a human: approve writes', 40)).toBe('  -y, --yes         answer without a\n                    human: approve\n                    writes');
    expect(fitLine('short', undefined)).toBe('short');
  });
});

describe('in a terminal', () => {
  it('keys typed while an answer streams are not echoed into it; they wait at the next prompt', async () => {
    const answer = 'This answer takes a little while to stream, word after word, so there is time to type.';
    const srv = await server({ script: [text(answer), text('Second.')], tokenDelayMs: 30 });
    const chat = startChat(chatArgs({ url: srv.url }), { terminal: true, columns: 80 });
    await chat.until('› ');
    chat.type('first');
    await chat.until('agent › This');
    chat.keys('xyz');
    await chat.until('usage:');
    await waitFor(() => renderTerminal(chat.raw, 80).at(-1) === '› xyz', 3000, () => renderTerminal(chat.raw, 80).join('\n'));
    const screen = renderTerminal(chat.raw, 80);
    const answerRows = screen.slice(screen.findIndex((row) => row.startsWith('agent › ')), screen.findIndex((row) => row.includes('usage:')));
    expect(answerRows.join(' ')).not.toContain('xyz');
    expect(answerRows.join(' ').replace(/\s+/g, ' ')).toContain(answer);
    chat.keys('\r');
    await waitFor(() => messagesSent(srv).length === 2, 3000, () => chat.output);
    expect(messagesSent(srv)).toEqual(['first', 'xyz']);
    chat.end();
    expect(await chat.exit).toBe(0);
  });

  it('an outage is one updating line: each reconnect attempt replaces the last, and the chat ends with one line', async () => {
    const srv = await server({ script: [text('Hi.')] });
    const chat = startChat(chatArgs({ url: srv.url }), { terminal: true, columns: 80, reconnect: { retryAttempts: 4, retryBaseDelayMs: 20, retryMaxDelayMs: 40 } });
    await chat.until('› ');
    chat.type('hello');
    await chat.until('usage:');
    await srv.close();
    expect(await chat.exit).toBe(1);
    expect(chat.raw).toContain('reconnecting (attempt 4)…'); // every attempt was told…
    const screen = renderTerminal(chat.raw, 80);
    const shown = screen.filter((row) => row.includes('reconnecting ('));
    expect(shown).toHaveLength(1); // …on one line, which shows the last
    expect(shown[0]).toContain('reconnecting (attempt 4)…');
    expect(screen.join(' ')).toMatch(/smooth-rx: gave up reconnecting after 4 attempts: the connection failed: +connect ECONNREFUSED/);
    expect(screen.every((row) => row.length <= 80)).toBe(true);
  });

  it('a reconnect after a few refused attempts leaves only "reconnected", and the prompt with what was typed', async () => {
    const srv = await server({ script: [text('Hi.'), text('Again.')] });
    const chat = startChat(chatArgs({ url: srv.url }), { terminal: true, columns: 80, reconnect: { retryAttempts: 10, retryBaseDelayMs: 20, retryMaxDelayMs: 40 } });
    await chat.until('› ');
    chat.type('hello');
    await chat.until('usage:');
    chat.keys('half');
    srv.faults.refuseHandshakes(3);
    srv.dropConnections();
    await chat.until('reconnected');
    await waitFor(() => renderTerminal(chat.raw, 80).at(-1) === '› half', 3000, () => renderTerminal(chat.raw, 80).join('\n'));
    const screen = renderTerminal(chat.raw, 80);
    expect(chat.raw).toContain('reconnecting (attempt 3)…');
    expect(screen.filter((row) => row.includes('reconnect'))).toEqual(['  reconnected']);
    chat.end();
    expect(await chat.exit).toBe(0);
  });
});
