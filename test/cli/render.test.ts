import type { ChatToolPart } from '../../src/chat/index.js';
import { CliError } from '../../src/cli/args.js';
import { confirmQuestion, fieldLabel, parseChoice } from '../../src/cli/prompters.js';
import {
  Screen,
  createStyle,
  describeError,
  describeFailure,
  formatArguments,
  formatCitations,
  formatFormOutcome,
  formatToolCall,
  formatToolResult,
  formatUsage,
  stripAnsi,
  truncate,
  useColor,
} from '../../src/cli/render.js';
import { maskSecrets } from '../../src/cli/secrets.js';
import { WordWrap } from '../../src/cli/wrap.js';
import { SmoothConnectionError } from '../../src/errors.js';

const plain = createStyle(false);
const call = { name: 'lookup_order', arguments: { orderId: '1001' } };
const running: ChatToolPart = { type: 'tool', name: 'lookup_order', call, result: undefined, status: 'running' };
const succeeded: ChatToolPart = { ...running, status: 'succeeded', result: { name: 'lookup_order', isError: false, result: 'Order 1001: shipped.' } };
const denied: ChatToolPart = {
  type: 'tool',
  name: 'cancel_order',
  call: { name: 'cancel_order', arguments: { orderId: '1001' } },
  status: 'failed',
  result: { name: 'cancel_order', isError: true, result: 'Denied by human: user rejected the action' },
};

class Sink {
  text = '';
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

describe('styles', () => {
  it('wraps in ANSI only with colour', () => {
    expect(createStyle(true).dim('x')).toBe('\u001b[2mx\u001b[22m');
    expect(plain.dim('x')).toBe('x');
    expect(stripAnsi(createStyle(true).red(createStyle(true).bold('x')))).toBe('x');
  });

  it('colours a TTY only, unless --no-color or NO_COLOR', () => {
    expect(useColor(undefined, true, {})).toBe(true);
    expect(useColor(undefined, false, {})).toBe(false);
    expect(useColor(undefined, undefined, {})).toBe(false);
    expect(useColor(undefined, true, { NO_COLOR: '1' })).toBe(false);
    expect(useColor(false, true, {})).toBe(false);
  });

  it('honours FORCE_COLOR (over NO_COLOR, as Node does), but not over --no-color', () => {
    expect(useColor(undefined, false, { FORCE_COLOR: '1' })).toBe(true);
    expect(useColor(undefined, undefined, { FORCE_COLOR: '' })).toBe(true);
    expect(useColor(undefined, true, { FORCE_COLOR: '0' })).toBe(false);
    expect(useColor(undefined, true, { FORCE_COLOR: 'false' })).toBe(false);
    expect(useColor(undefined, false, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
    expect(useColor(false, true, { FORCE_COLOR: '1' })).toBe(false);
  });
});

describe('formatters', () => {
  it('truncates on one line', () => {
    expect(truncate('abc', 5)).toBe('abc');
    expect(truncate('abcdefgh', 5)).toBe('abcd…');
    expect(truncate('a\n  b', 10)).toBe('a b');
  });

  it('formats tool arguments as compact JSON', () => {
    expect(formatArguments({ orderId: '1001' })).toBe('{"orderId":"1001"}');
    expect(formatArguments(undefined)).toBe('');
    expect(formatArguments({ text: 'x'.repeat(200) }, 20)).toHaveLength(20);
  });

  it('formats a call, a result and a failure', () => {
    expect(formatToolCall(running, plain)).toBe('  ⚙ lookup_order {"orderId":"1001"}');
    expect(formatToolCall({ ...running, call: { name: 'ping' }, name: 'ping' }, plain)).toBe('  ⚙ ping');
    expect(formatToolResult(succeeded, plain)).toBe('  ✓ lookup_order → Order 1001: shipped.');
    expect(formatToolResult(denied, plain)).toBe('  ✗ cancel_order failed: Denied by human: user rejected the action');
  });

  it('lists relevant citations, leaving out score 0 (retrieved although nothing matched)', () => {
    const lines = formatCitations(
      [
        { id: 'https://x.io/returns', title: 'https://x.io/returns', url: 'https://x.io/returns', snippet: 'Returns within 30 days.', score: 2 },
        { id: 'faq', title: 'FAQ', snippet: 'Questions.', score: 1 },
        { id: 'other', title: 'other', snippet: 'Unrelated.', score: 0 },
      ],
      plain,
    );
    expect(lines).toEqual(['  sources:', '   [1] https://x.io/returns · Returns within 30 days.', '   [2] FAQ <faq> · Questions.']);
    expect(formatCitations([{ id: 'a', title: 'a', score: 0 }], plain)).toEqual([]);
    expect(formatCitations([], plain)).toEqual([]);
  });

  it('formats usage, or nothing when none was reported', () => {
    expect(formatUsage({ promptTokens: 20, completionTokens: 10, costUsd: 0.00007 }, plain)).toBe('  usage: 20 prompt + 10 completion tokens · $0.000070');
    expect(formatUsage({ costUsd: 0.5 }, plain)).toBe('  usage: $0.500000');
    expect(formatUsage({}, plain)).toBeUndefined();
    expect(formatUsage(undefined, plain)).toBeUndefined();
  });

  it('shows what became of a form from its raise tool result', () => {
    const form = (result: string): ChatToolPart => ({
      type: 'tool',
      name: 'request_identity_intake',
      call: { name: 'request_identity_intake' },
      status: 'succeeded',
      result: { name: 'request_identity_intake', isError: false, result },
    });
    expect(formatFormOutcome(form('{"status":"submitted","values":{"name":"Bob","email":"b@x.io"}}'), plain)).toBe('  ✓ submitted name: Bob · email: b@x.io');
    expect(formatFormOutcome(form('{"status":"submitted","values":{"answers":[{"header":"Refund","options":["Store credit"]}]}}'), plain)).toBe(
      '  ✓ submitted Refund: Store credit',
    );
    expect(formatFormOutcome(form('{"status":"declined","message":"no"}'), plain)).toBe('  – declined');
    expect(formatFormOutcome(form('not json'), plain)).toBe('  ✓ request_identity_intake → not json');
  });

  it('a denied write reads "denied"', () => {
    expect(formatToolResult(denied, plain, true)).toBe('  ✗ cancel_order denied');
  });

  it('adds a hint to errors with a known cause: a wrong path, a refused token', () => {
    expect(describeFailure(new SmoothConnectionError('CONNECTION_ERROR', 'the connection failed: Unexpected server response: 400'))).toBe(
      'the connection failed: Unexpected server response: 400 (CONNECTION_ERROR) — wrong path? reference servers serve /ws',
    );
    for (const code of [4001, 4003, 1008]) {
      expect(describeFailure(new SmoothConnectionError('CONNECTION_CLOSED', `closed (${code})`, code))).toBe(`closed (${code}) (CONNECTION_CLOSED) — check --token`);
    }
    expect(describeFailure(new SmoothConnectionError('CONNECTION_CLOSED', 'closed (1006)', 1006))).toBe('closed (1006) (CONNECTION_CLOSED)');
    expect(describeFailure(new SmoothConnectionError('CONNECTION_ERROR', 'Unexpected server response: 4001'))).toBe('Unexpected server response: 4001 (CONNECTION_ERROR)');
  });

  it('masks secrets: token query values and the given secrets, raw or percent-encoded', () => {
    expect(maskSecrets('ws://exa mple/ws?token=SECRET&a=1', [])).toBe('ws://exa mple/ws?token=***&a=1');
    expect(maskSecrets('refused: s3 cr/et and s3%20cr%2Fet', ['s3 cr/et'])).toBe('refused: *** and ***');
    expect(maskSecrets('ws://bob:pa55@h:1/ws', [])).toBe('ws://bob:***@h:1/ws');
    expect(maskSecrets('nothing here', ['', undefined])).toBe('nothing here');
  });

  it('describes errors in one line, with the code of typed errors', () => {
    expect(describeError(new SmoothConnectionError('CONNECTION_ERROR', 'the connection failed'))).toBe('the connection failed (CONNECTION_ERROR)');
    expect(describeError(new CliError('USAGE', 'bad'))).toBe('bad');
    expect(describeError(Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' }))).toBe('listen EADDRINUSE (EADDRINUSE)');
    expect(describeError('x')).toBe('x');
  });
});

describe('prompt helpers', () => {
  const question = { question: 'Refund?', header: 'Refund', options: [{ label: 'Card' }, { label: 'Credit' }] as [{ label: string }, { label: string }] };

  it('reads a numbered choice, free text as other, and rejects bad numbers', () => {
    expect(parseChoice('2', question)).toEqual({ options: ['Credit'] });
    expect(parseChoice(' Cash please ', question)).toEqual({ other: 'Cash please' });
    expect(parseChoice('3', question)).toEqual({ error: '3 is not an option (1-2).' });
    expect(parseChoice('1,2', question)).toEqual({ error: 'Choose only one option.' });
    expect(parseChoice('1, 2', { ...question, multiSelect: true })).toEqual({ options: ['Card', 'Credit'] });
    expect(parseChoice('', question)).toEqual({ error: 'Choose an option.' });
  });

  it('labels fields and words the confirmation question', () => {
    expect(fieldLabel({ key: 'email' })).toBe('Email');
    expect(fieldLabel({ key: 'name', label: 'Full name' })).toBe('Full name');
    expect(confirmQuestion({ toolId: 'cancel_order', actionDescription: "Approve calling tool 'cancel_order'?" }, plain)).toBe("  ? Approve calling tool 'cancel_order'? [y/N] ");
  });
});

describe('Screen', () => {
  it('holds turn output back while a question is open, then writes it in order', () => {
    const sink = new Sink();
    const screen = new Screen(sink);
    screen.write('agent › Hel');
    screen.beginPrompt();
    screen.direct('? ok [y/N] ');
    screen.write('lo');
    screen.line('  ⚙ tool');
    expect(sink.text).toBe('agent › Hel? ok [y/N] ');
    screen.direct('y\n');
    screen.endPrompt();
    expect(sink.text).toBe('agent › Hel? ok [y/N] y\nlo\n  ⚙ tool\n');
    expect(screen.atLineStart).toBe(true);
  });
});

describe('WordWrap', () => {
  const TEXT = 'Order 1001 shipped on Monday by express and should reach you on Thursday before 6 pm.\nThanks!';

  const wrapAll = (pieces: readonly string[], width: number): string => {
    const wrap = new WordWrap(width, 8, 8);
    return 'agent › ' + pieces.map((p) => wrap.push(p)).join('') + wrap.flush();
  };

  it('breaks lines between words, indents continuation lines, and keeps every word whole', () => {
    const out = wrapAll([TEXT], 30);
    const lines = out.split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(30);
    expect(lines.slice(1).every((line) => line.startsWith('        ') && line[8] !== ' ')).toBe(true);
    expect(out.slice(8).split(/\s+/).filter(Boolean).join(' ')).toBe(TEXT.split(/\s+/).join(' '));
  });

  it('gives the same lines however the stream is cut into pieces (mid-word included)', () => {
    const whole = wrapAll([TEXT], 30);
    const chars = Array.from(TEXT);
    expect(wrapAll(chars, 30)).toBe(whole);
    expect(wrapAll([TEXT.slice(0, 13), TEXT.slice(13, 41), TEXT.slice(41)], 30)).toBe(whole);
  });

  it('breaks a word longer than the line', () => {
    const out = wrapAll(['see https://shop.example.com/policies/returns-and-refunds now'], 30);
    for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(30);
    expect(out.replace(/\n {8}/g, '')).toContain('https://shop.example.com/policies/returns-and-refunds');
  });

  it('without a width only indents the lines of a multi-line text', () => {
    const wrap = new WordWrap(undefined, 8, 8);
    expect(wrap.push('one\ntw')).toBe('one\n        tw');
    expect(wrap.push('o') + wrap.flush()).toBe('o');
  });
});
