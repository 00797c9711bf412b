/** `runChat` driven in-process through PassThrough stdin/stdout and a Subject as SIGINT. */
import { DEMO_MESSAGES } from '../../src/cli/demo.js';
import { chatArgs, mockServer as server, startChat, text, waitFor } from './harness.js';


describe('chat --demo --yes', () => {
  it('runs the whole demo unattended and exits 0', async () => {
    const chat = startChat(chatArgs({ demo: true, yes: true }), { serverOptions: { tokenDelayMs: 0 } });
    expect(await chat.exit).toBe(0);
    const out = chat.output;
    for (const message of DEMO_MESSAGES) expect(out).toContain(`› ${message}`);
    // The header names the agent as the server's session does, before the first message.
    expect(out).toMatch(/^agent Demo Shop assistant \(demo-shop\)$/m);
    expect(out.indexOf('agent Demo Shop assistant')).toBeLessThan(out.indexOf(`› ${DEMO_MESSAGES[0]}`));
    expect(out).toContain("agent › Hi, I'm the Demo Shop assistant.");
    expect(out).toContain('  ⚙ lookup_order {"orderId":"1001"}');
    expect(out).toContain('  ✓ lookup_order → Order 1001: shipped Monday (express), arriving Thursday.');
    expect(out).toContain("  ? Approve calling tool 'cancel_order'? [y/N] y (--yes)");
    expect(out).toContain('  ✓ cancel_order → Order 1001 cancelled; refund of $42.00 issued.');
    expect(out).toContain('    Full name*: Alice Example (--yes)');
    expect(out).toContain('    Email*: alice@example.com (--yes)');
    expect(out).toContain('  ✓ submitted name: Alice Example · email: alice@example.com');
    expect(out).toContain('  ✓ submitted Refund: Original card');
    expect(out).toContain('   [1] https://shop.example.com/policies/returns · Returns policy');
    expect(out).toContain('  usage: 20 prompt + 10 completion tokens · $0.000070');
    expect(out).not.toMatch(/✗|NO_PENDING/);
    // Sources only where they matched: the policy answer.
    expect(out.match(/sources:/g)).toHaveLength(1);
    // The confirmation is asked after its tool call is shown, and answered before its result.
    expect(out.indexOf('⚙ cancel_order')).toBeLessThan(out.indexOf('? Approve'));
    expect(out.indexOf('? Approve')).toBeLessThan(out.indexOf('✓ cancel_order'));
  });

  it('fills forms with --user / --email when given', async () => {
    const chat = startChat(chatArgs({ demo: true, yes: true, userName: 'Zoe Q', userEmail: 'zoe@example.org' }), { serverOptions: { tokenDelayMs: 0 } });
    expect(await chat.exit).toBe(0);
    expect(chat.output).toContain('  ✓ submitted name: Zoe Q · email: zoe@example.org');
  });

  it('uses ANSI styles only when asked to', async () => {
    const colored = startChat(chatArgs({ demo: true, yes: true }), { serverOptions: { tokenDelayMs: 0 }, color: true });
    const plain = startChat(chatArgs({ demo: true, yes: true }), { serverOptions: { tokenDelayMs: 0 } });
    expect(await colored.exit).toBe(0);
    expect(await plain.exit).toBe(0);
    expect(colored.raw).toContain('\u001b[2m  ⚙ lookup_order');
    expect(plain.raw).not.toContain('\u001b[');
    expect(colored.output).toContain('⚙ lookup_order');
  });
});

describe('interactive chat', () => {
  it('denies a write, shows the server validation error of a form and resubmits', async () => {
    const chat = startChat(chatArgs(), { serverOptions: { tokenDelayMs: 0 } });
    await chat.until('› ');
    chat.type('Hello');
    await chat.until('agent › Hi');
    chat.type('Where is my order 1001?');
    await chat.until('✓ lookup_order');
    chat.type('Please cancel order 1001.');
    await chat.until('[y/N] ');
    chat.type('n');
    await chat.until('✗ cancel_order denied');
    await chat.until('agent › Understood.');

    chat.type('Email me a cancellation confirmation.');
    await chat.until('Full name*: ');
    chat.type('Bob Builder');
    await chat.until('Email*: ');
    const before = chat.output.length;
    chat.type('not-an-email');
    await chat.until('email: must be a valid email address', { from: before });
    expect(chat.output.slice(before)).toContain('✗ Some fields need attention.');
    await chat.until('Email*: ', { from: before + 20 });
    chat.type('bob@example.com');
    await chat.until('✓ submitted name: Bob Builder · email: bob@example.com');
    await chat.until('agent › Thanks!');

    chat.type("I'd like my money back.");
    await chat.until('choose 1-2');
    chat.type('7');
    await chat.until('7 is not an option (1-2).');
    chat.type('2');
    await chat.until('✓ submitted Refund: Store credit');
    await chat.until('agent › Noted');
    chat.type('/quit');
    expect(await chat.exit).toBe(0);
    expect(chat.output).toContain('[y/N] n\n');
  });

  it('declines a form with /skip', async () => {
    const srv = await server({ script: [{ kind: 'toolCall', name: 'request_identity_intake', arguments: JSON.stringify({ fields: [{ key: 'email', required: true }] }) }, text('No worries.')] });
    const chat = startChat(chatArgs({ url: srv.url }));
    chat.type('contact me');
    await chat.until('Email*: ');
    chat.type('/skip');
    await chat.until('agent › No worries.');
    expect(chat.output).toContain('  – declined');
    chat.end();
    expect(await chat.exit).toBe(0);
  });

  it('exits 0 at the end of the input (Ctrl-D)', async () => {
    const chat = startChat(chatArgs(), { serverOptions: { tokenDelayMs: 0 } });
    await chat.until('› ');
    chat.end();
    expect(await chat.exit).toBe(0);
  });

  it('denies a pending write when the input ends', async () => {
    const srv = await server({ script: [{ kind: 'toolCall', name: 'wipe', arguments: '{}' }, text('Okay.')], tools: [{ name: 'wipe', result: 'wiped' }], confirmTools: ['wipe'] });
    const chat = startChat(chatArgs({ url: srv.url }));
    chat.type('wipe it');
    await chat.until('[y/N] ');
    chat.end();
    expect(await chat.exit).toBe(0);
    expect(chat.output).toContain('(input ended: denied)');
    expect(chat.output).toContain('✗ wipe denied');
  });
});

describe('Ctrl-C', () => {
  it('stops a streaming turn (the server receives cancel) and the chat goes on; Ctrl-C at the prompt exits 130', async () => {
    const srv = await server({ script: [text('This answer streams slowly, piece by piece, and will be cut short.'), text('Second answer.')], tokenDelayMs: 150 });
    const chat = startChat(chatArgs({ url: srv.url }));
    chat.type('tell me something long');
    await chat.until('agent › ');
    chat.interrupt();
    await chat.until('⏹ stopped (cancel sent)');
    await waitFor(() => srv.received.some((r) => r.action === 'cancel'), 2000, () => 'no cancel frame');
    const cancel = srv.received.find((r) => r.action === 'cancel')!.frame as { requestId: string };
    const send = srv.received.find((r) => r.action === 'send_message')!.frame as { requestId: string };
    expect(cancel.requestId).toBe(send.requestId);
    expect(chat.output).not.toContain('cut short.');

    const before = chat.output.length;
    chat.type('and now?');
    await chat.until('agent › Second answer.', { from: before });
    await chat.until('usage:', { from: before });
    chat.interrupt(); // at the prompt
    expect(await chat.exit).toBe(130);
  });

  it('stops a turn parked on a confirmation', async () => {
    const srv = await server({ script: [{ kind: 'toolCall', name: 'wipe', arguments: '{}' }, text('Done.')], tools: [{ name: 'wipe', result: 'wiped' }], confirmTools: ['wipe'] });
    const chat = startChat(chatArgs({ url: srv.url }));
    chat.type('wipe it');
    await chat.until('[y/N] ');
    chat.interrupt();
    await chat.until('⏹ stopped (cancel sent)');
    await waitFor(() => srv.received.some((r) => r.action === 'cancel'));
    expect(srv.received.some((r) => r.action === 'confirm_tool_action')).toBe(false);
    chat.type('/quit');
    expect(await chat.exit).toBe(0);
  });

  it('in --demo: the first stops the turn and the demo goes on, a second exits', async () => {
    const chat = startChat(chatArgs({ demo: true, yes: true }), { serverOptions: { tokenDelayMs: 60 } });
    await chat.until('agent › ');
    chat.interrupt();
    await chat.until('⏹ stopped');
    await chat.until(`› ${DEMO_MESSAGES[1]}`);
    chat.interrupt();
    expect(await chat.exit).toBe(130);
  });
});

describe('failures', () => {
  it('a refused connection is one line and exit 1', async () => {
    const srv = await server({});
    const url = srv.url;
    await srv.close();
    const chat = startChat(chatArgs({ url }));
    expect(await chat.exit).toBe(1);
    expect(chat.output).toMatch(new RegExp(`smooth-rx: cannot connect to ${url.replace(/[/.]/g, '\\$&')}: .*\\(CONNECTION_ERROR\\)\\n$`));
    expect(chat.output).not.toMatch(/\n\s+at /);
  });

  it('a wrong token is one line and exit 1', async () => {
    const srv = await server({ token: 'secret' });
    const chat = startChat(chatArgs({ url: srv.url, token: 'wrong' }));
    expect(await chat.exit).toBe(1);
    expect(chat.output).toMatch(/smooth-rx: cannot connect to .*4001.*\(CONNECTION_CLOSED\)/);
  });

  it('--verbose prints the client diagnostics', async () => {
    const srv = await server({
      script: [text('Fine.')],
      faults: { malformedFrameAfterEvents: { after: 1, frame: (t) => ({ type: 'brand_new_event', requestId: t.requestId }) } },
    });
    const chat = startChat(chatArgs({ url: srv.url, verbose: true }));
    chat.type('hello');
    await chat.until('agent › Fine.');
    chat.end();
    expect(await chat.exit).toBe(0);
    expect(chat.output).toContain('· diagnostic unknown-event-type');
    expect(chat.output).toContain('· connection open');
  });

  it('without --verbose prints no diagnostics', async () => {
    const srv = await server({
      script: [text('Fine.')],
      faults: { malformedFrameAfterEvents: { after: 1, frame: (t) => ({ type: 'brand_new_event', requestId: t.requestId }) } },
    });
    const chat = startChat(chatArgs({ url: srv.url }));
    chat.type('hello');
    await chat.until('agent › Fine.');
    chat.end();
    expect(await chat.exit).toBe(0);
    expect(chat.output).not.toContain('diagnostic');
  });
});
