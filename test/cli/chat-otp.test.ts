/** One-time codes in the terminal chat: asked once the answer that needed one is over, verified, and the message sent again. */
import type { MockServer } from '../../src/testing/mock-server/index.js';
import { chatArgs, mockServer as server, startChat, waitFor } from './harness.js';

const gated = {
  script: [{ kind: 'toolCall' as const, name: 'wipe', arguments: '{}' }, { kind: 'text' as const, text: 'I need your code first.' }, { kind: 'toolCall' as const, name: 'wipe', arguments: '{}' }, { kind: 'text' as const, text: 'Wiped.' }],
  tools: [{ name: 'wipe', result: 'wiped' }],
  otp: { tools: ['wipe'], code: '424242' },
};

const sends = (srv: MockServer): string[] =>
  srv.received.filter((r) => r.action === 'send_message').map((r) => (r.frame as { message: string }).message);

describe('one-time codes', () => {
  it('asks for the code, says a wrong one with the attempts left, and once verified sends the message again', async () => {
    const srv = await server(gated);
    const chat = startChat(chatArgs({ url: srv.url }));
    chat.type('wipe it');
    await chat.until('code (/skip dismisses): ');
    expect(chat.output).toContain('agent › I need your code first.');
    expect(chat.output).toContain('🔒');
    // The call the server held back for the code waits for the user: it is not a failure.
    expect(chat.output).toContain('⋯ wipe waits for your one-time code');
    expect(chat.output).not.toContain('wipe failed');
    chat.type('000000');
    await chat.until('✗ Invalid code. 2 attempt(s) remaining.\n');
    chat.type('424242');
    await chat.until('✓ verified');
    await chat.until('agent › Wiped.');
    expect(chat.output).toContain('✓ wipe → wiped');
    await waitFor(() => sends(srv).length === 2, 3000, () => chat.output);
    expect(sends(srv)).toEqual(['wipe it', 'wipe it']);
    expect(srv.received.filter((r) => r.action === 'verify_otp').map((r) => (r.frame as { code: string }).code)).toEqual(['000000', '424242']);
    // The answer that needed the code, then the one after it: the prompt comes back once.
    chat.type('/quit');
    expect(await chat.exit).toBe(0);
    expect(chat.output.indexOf('I need your code first.')).toBeLessThan(chat.output.indexOf('code (/skip'));
  });

  it('/skip dismisses the code: nothing is verified or sent again, and the chat goes on', async () => {
    const srv = await server(gated);
    const chat = startChat(chatArgs({ url: srv.url }));
    chat.type('wipe it');
    await chat.until('code (/skip dismisses): ');
    chat.type('/skip');
    await chat.until('(dismissed)');
    chat.type('/quit');
    expect(await chat.exit).toBe(0);
    expect(srv.received.some((r) => r.action === 'verify_otp')).toBe(false);
    expect(sends(srv)).toEqual(['wipe it']);
  });

  it('--yes dismisses a code (it needs a person) and goes on', async () => {
    const srv = await server(gated);
    const chat = startChat(chatArgs({ url: srv.url, yes: true }));
    chat.type('wipe it');
    await chat.until('(dismissed: a one-time code needs a person) (--yes)');
    chat.end();
    expect(await chat.exit).toBe(0);
    expect(srv.received.some((r) => r.action === 'verify_otp')).toBe(false);
  });
});
