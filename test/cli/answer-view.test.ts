/** How one answer of the chat is written to the terminal, from its successive snapshots. */
import type { ChatAssistantMessage, ChatIdentityAsk, ChatPart, ChatToolPart } from '../../src/chat/index.js';
import { AnswerView } from '../../src/cli/answer-view.js';
import { Screen, createStyle } from '../../src/cli/render.js';
import { SmoothConnectionLostError } from '../../src/errors.js';

const plain = createStyle(false);
const call = { name: 'lookup_order', arguments: { orderId: '1001' } };
const running: ChatToolPart = { type: 'tool', name: 'lookup_order', call, result: undefined, status: 'running' };
const succeeded: ChatToolPart = { ...running, status: 'succeeded', result: { name: 'lookup_order', isError: false, result: 'Order 1001: shipped.' } };

class Sink {
  text = '';
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

const base: ChatAssistantMessage = { id: 'a1', role: 'assistant', parts: [], status: 'streaming', ask: undefined, error: undefined, replyTo: 'u1', createdAt: undefined };
const withParts = (...parts: ChatPart[]): ChatAssistantMessage => ({ ...base, parts });

function view(): { sink: Sink; view: AnswerView } {
  const sink = new Sink();
  return { sink, view: new AnswerView(new Screen(sink), plain) };
}

describe('AnswerView', () => {
  it('streams the answer as it grows, with tool lines, then sources and usage', () => {
    const { sink, view: answer } = view();
    answer.update(base);
    answer.update(withParts(running));
    answer.update(withParts(succeeded));
    answer.update(withParts(succeeded, { type: 'text', text: 'Order 1001 sh' }));
    expect(sink.text.endsWith('agent › Order 1001 sh')).toBe(true);
    answer.update(withParts(succeeded, { type: 'text', text: 'Order 1001 shipped.\nBye' }));
    answer.update({
      ...withParts(
        succeeded,
        { type: 'text', text: 'Order 1001 shipped.\nBye' },
        { type: 'citations', citations: [{ id: 'faq', title: 'faq', snippet: 'Shipping takes 3 days.', score: 1 }] },
        { type: 'usage', usage: { promptTokens: 20, completionTokens: 10, costUsd: 0.00007 } },
      ),
      status: 'complete',
    });
    expect(sink.text).toBe(
      [
        '  ⚙ lookup_order {"orderId":"1001"}',
        '  ✓ lookup_order → Order 1001: shipped.',
        'agent › Order 1001 shipped.',
        '        Bye',
        '  sources:',
        '   [1] faq · Shipping takes 3 days.',
        '  usage: 20 prompt + 10 completion tokens · $0.000070',
        '',
      ].join('\n'),
    );
  });

  it('writes reasoning and the preamble dimmed on their own lines, and the answer after them', () => {
    const { sink, view: answer } = view();
    answer.update(withParts({ type: 'reasoning', text: 'Look it up.' }));
    answer.update(withParts({ type: 'reasoning', text: 'Look it up.' }, { type: 'preamble', text: 'Checking…' }));
    // The chat drops the preamble once the answer starts.
    answer.update({ ...withParts({ type: 'reasoning', text: 'Look it up.' }, { type: 'text', text: 'Shipped.' }), status: 'complete' });
    expect(sink.text).toBe('  (thinking) Look it up.\n  (preamble) Checking…\nagent › Shipped.\n');
  });

  it('ends a stopped answer on its own line, once', () => {
    const { sink, view: answer } = view();
    answer.update(withParts({ type: 'text', text: 'Part' }));
    answer.stopped();
    answer.stopped();
    answer.failed(new Error('late'));
    answer.update({ ...withParts({ type: 'text', text: 'Part of it' }), status: 'cancelled' });
    expect(sink.text).toBe('agent › Part\n  ⏹ stopped (cancel sent)\n');
  });

  it('says in plain words that a lost connection cut the answer, without a failed line for the tool it cut', () => {
    const { sink, view: answer } = view();
    answer.update(withParts(running));
    const error = new SmoothConnectionLostError('CONNECTION_CLOSED', 'lost', 1006, undefined, undefined, true);
    answer.update({ ...withParts({ ...running, status: 'failed' }), status: 'interrupted', error: { code: error.code, message: error.message, retryable: true, error } });
    expect(sink.text).toBe(
      '  ⚙ lookup_order {"orderId":"1001"}\n  ✗ the connection dropped before the answer was complete (connection closed 1006); send your message again to go on\n',
    );
  });

  it('shows the server validation errors of a form', () => {
    const { sink, view: answer } = view();
    answer.rejected([{ field: 'email', message: 'Enter a valid email address.' }], 'Some fields need attention.');
    expect(sink.text).toBe('  ✗ Some fields need attention.\n    email: Enter a valid email address.\n');
  });

  it('shows a denied write as denied, and a form by what became of it', () => {
    const { sink, view: answer } = view();
    const wipe: ChatToolPart = { type: 'tool', name: 'wipe', call: { name: 'wipe' }, result: undefined, status: 'running' };
    const form: ChatToolPart = { type: 'tool', name: 'request_identity_intake', call: { name: 'request_identity_intake' }, result: undefined, status: 'running' };
    const ask = { type: 'identity_intake' as const, id: 'k', status: 'answered' as const, messageId: 'a1', interactionId: 'i', reason: undefined, errors: [], invalidMessage: undefined, spec: { fields: [{ key: 'email' }] } } satisfies ChatIdentityAsk;
    answer.denied('wipe');
    answer.update({ ...withParts(wipe, form), ask });
    answer.update({
      ...withParts(
        { ...wipe, status: 'failed', result: { name: 'wipe', isError: true, result: 'Denied by human' } },
        { ...form, status: 'succeeded', result: { name: 'request_identity_intake', isError: false, result: '{"status":"declined"}' } },
      ),
      ask,
    });
    expect(sink.text).toBe('  ⚙ wipe\n  ✗ wipe denied\n  – declined\n');
  });
});
