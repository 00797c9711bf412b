/**
 * End-to-end: the Angular example (examples/angular, production build) in headless Chromium
 * against the embedded mock server. Not a Jest suite: run with
 * `npx tsx test/e2e/angular.e2e.ts [scenario…]` after `ng build` (scripts/e2e-angular.sh does it
 * all). Prints one line per scenario and `N passed, N failed`; exits 1 when any failed.
 * Screenshots of the key states go to test/e2e/artifacts/.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEnv, stopEnv, withChat, type Env } from './harness.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const APP_DIR = join(ROOT, 'examples/angular/dist/chat/browser');
const ARTIFACTS = join(ROOT, 'test/e2e/artifacts');

const STREAMED = 'Your order 1001 left our warehouse on Monday and should arrive on Thursday before 6 pm.';

const SHIPPING = { source: 'https://shop.example.com/policies/shipping', content: 'Shipping policy: where is my order, delivery takes 3 days.' };
const RETURNS = { source: 'https://shop.example.com/policies/returns-and-refunds', content: 'Returns: send items back within 30 days for a refund.' };

type ServerOptions = Parameters<typeof withChat>[2];

/** The demo agent paying an invoice, a tool it may call only once the user verified a one-time code (123456). */
const payInvoiceBehindCode = (script: NonNullable<ServerOptions['script']>): ServerOptions => ({
  script,
  tools: [{ name: 'pay_invoice', description: 'Pays an invoice', result: () => JSON.stringify({ invoice: '7', paid: true }) }],
  otp: { tools: ['pay_invoice'], code: '123456' },
  tokenDelayMs: 20,
});

/** Asks the agent to pay invoice 7: its answer is over, and its code card is up. */
async function askToPayInvoice(chat: Parameters<Parameters<typeof withChat>[3]>[0]): Promise<ReturnType<typeof chat.turn>> {
  await chat.send('Please pay invoice 7.');
  const card = chat.turn(0).getByTestId('otp-card');
  await card.waitFor();
  await chat.waitForStatus(0, 'complete');
  return card;
}

const scenarios: Record<string, (env: Env) => Promise<void>> = {
  /** The answer appears piece by piece, then completes with its relevant source, titled; score-0 sources are not shown. */
  stream: (env) =>
    withChat(
      env,
      'stream',
      {
        script: [
          { kind: 'text', text: STREAMED },
          { kind: 'text', text: 'You are welcome!' },
        ],
        knowledge: [SHIPPING, RETURNS],
        tokenDelayMs: 300,
      },
      async (chat) => {
        await chat.connection.filter({ hasText: /^Not connected yet$/ }).waitFor();
        await chat.send('Where is my order 1001?');
        await chat.waitForStatus(0, 'streaming');
        // A piece of the answer, before the rest has come.
        await chat.page.waitForFunction(() => (document.querySelector('[data-testid="answer"]')?.textContent ?? '').length > 0);
        const partial = (await chat.answer(0).textContent()) ?? '';
        assert.equal(await chat.status(), 'Agent is answering…');
        await chat.screenshot('streaming');
        await chat.waitForStatus(0, 'complete');
        const final = (await chat.answer(0).textContent()) ?? '';
        assert.equal(final, STREAMED);
        assert.ok(partial.length > 0 && partial.length < final.length && final.startsWith(partial), `partial answer ${JSON.stringify(partial)}`);
        assert.equal(await chat.connection.textContent(), 'Online');
        assert.equal(await chat.status(), 'Ready');
        // The header names the agent as the server's session does (the mock server's default name).
        assert.equal(await chat.page.getByTestId('agent-name').textContent(), 'smooth-agent');
        // Only the source that matched the question (the other one scored 0), by its title.
        const sources = chat.turn(0).getByTestId('citations').getByRole('link');
        assert.equal(await sources.count(), 1);
        assert.equal(await sources.first().getAttribute('href'), SHIPPING.source);
        assert.equal(await sources.first().textContent(), 'Shipping');
        // User and agent messages do not look alike.
        const background = (role: string) => chat.page.locator(`[data-role="${role}"] .bubble`).first().evaluate((el) => getComputedStyle(el).backgroundColor);
        assert.notEqual(await background('user'), await background('assistant'));
        await chat.screenshot('completed');

        // Nothing in the knowledge matches: every source scores 0, and none is listed.
        await chat.send('Thanks!');
        await chat.waitForStatus(1, 'complete');
        assert.equal(await chat.turn(1).getByTestId('citations').count(), 0);
      },
    ),

  /** A write tool asks first; Approve runs it, its result reads as fields, and the turn goes on. */
  approve: (env) =>
    withChat(
      env,
      'approve',
      {
        script: [
          { kind: 'toolCall', name: 'cancel_order', arguments: '{"orderId":"1001"}' },
          { kind: 'text', text: 'Order 1001 is cancelled and refunded.' },
        ],
        tools: [
          {
            name: 'cancel_order',
            description: 'Cancels an order',
            result: (args) => JSON.stringify({ orderId: args['orderId'], status: 'cancelled', refund: '€42.00', refundedToCard: true }),
          },
        ],
        confirmTools: ['cancel_order'],
        tokenDelayMs: 50,
      },
      async (chat) => {
        await chat.send('Please cancel order 1001.');
        const card = chat.turn(0).getByTestId('confirm-card');
        await card.waitFor();
        await chat.waitForStatus(0, 'awaiting-human');
        assert.equal(await chat.status(), 'Waiting for your answer');
        assert.match((await card.textContent()) ?? '', /[Cc]ancel/);
        assert.match((await chat.turn(0).getByTestId('tool').innerText()).replace(/\s+/g, ' '), /Cancel order waiting for your approval/);
        await chat.screenshot('confirm-card');
        assert.equal(chat.sent('confirm_tool_action').length, 0);
        await card.getByTestId('approve').click();
        await chat.waitForStatus(0, 'complete');
        assert.equal(await card.count(), 0);
        assert.deepEqual(
          chat.sent('confirm_tool_action').map((f) => (f.frame as { approved?: unknown }).approved),
          [true],
        );
        assert.match((await chat.turn(0).getByTestId('ask-outcome').textContent()) ?? '', /Approved by you: Cancel order/);
        const tool = chat.turn(0).getByTestId('tool');
        assert.equal(await tool.getAttribute('data-tool-status'), 'succeeded');
        const toolText = (await tool.innerText()).replace(/\s+/g, ' ');
        assert.match(toolText, /Cancel order done/);
        assert.match(toolText, /Refund €42\.00/);
        assert.match(toolText, /Refunded to card yes/);
        assert.doesNotMatch(toolText, /[{}"]/, 'no raw JSON');
        assert.equal(await chat.answer(0).textContent(), 'Order 1001 is cancelled and refunded.');
        await chat.screenshot('approved');
      },
    ),

  /** Two write confirmations back to back, at full speed: the second card is answerable too. */
  'approve-twice': (env) =>
    withChat(
      env,
      'approve-twice',
      {
        script: [
          { kind: 'toolCall', name: 'cancel_order', arguments: '{"orderId":"1001"}' },
          { kind: 'toolCall', name: 'cancel_order', arguments: '{"orderId":"1002"}' },
          { kind: 'text', text: 'Both orders are cancelled.' },
        ],
        tools: [{ name: 'cancel_order', description: 'Cancels an order', result: (args) => `order ${String(args['orderId'])} cancelled` }],
        confirmTools: ['cancel_order'],
        tokenDelayMs: 0,
      },
      async (chat) => {
        await chat.send('Cancel orders 1001 and 1002.');
        const approve = chat.turn(0).getByTestId('confirm-card').getByTestId('approve');
        await approve.click();
        await eventually(() => chat.sent('confirm_tool_action').length === 1, 'the first confirm sent');
        await eventually(async () => (await approve.count()) === 1 && (await approve.isEnabled()), 'the second confirmation answerable');
        await approve.click();
        await chat.waitForStatus(0, 'complete');
        assert.deepEqual(
          chat.sent('confirm_tool_action').map((f) => (f.frame as { approved?: unknown }).approved),
          [true, true],
        );
        assert.equal(await chat.answer(0).textContent(), 'Both orders are cancelled.');
        const tools = chat.turn(0).getByTestId('tool');
        assert.equal(await tools.count(), 2);
        assert.match((await tools.nth(1).innerText()).replace(/\s+/g, ' '), /Cancel order done order 1002 cancelled/);
      },
    ),

  /** An invalid email comes back with the server's field error (what was typed kept); the corrected form resumes the turn. */
  'identity-form': (env) =>
    withChat(
      env,
      'identity-form',
      {
        script: [
          {
            kind: 'toolCall',
            name: 'request_identity_intake',
            arguments: JSON.stringify({
              fields: [
                { key: 'name', required: true, label: 'Full name' },
                { key: 'email', required: true, label: 'Email' },
              ],
              reason: 'Where should I send the confirmation?',
            }),
          },
          { kind: 'text', text: 'Thanks, the confirmation is on its way.' },
        ],
        tokenDelayMs: 50,
      },
      async (chat) => {
        await chat.send('Email me a confirmation.');
        const form = chat.turn(0).getByTestId('identity-form');
        await form.waitFor();
        await form.getByTestId('field-name').fill('Alice Example');
        await form.getByTestId('field-email').fill('alice-at-example');
        await form.getByTestId('submit-identity').click();
        const emailError = form.getByTestId('error-email');
        await emailError.waitFor();
        assert.ok(((await emailError.textContent()) ?? '').trim().length > 0, 'the field error has text');
        assert.equal(await form.getByTestId('error-name').count(), 0);
        assert.equal(await form.getByTestId('field-name').inputValue(), 'Alice Example');
        await chat.waitForStatus(0, 'awaiting-human');
        assert.equal(await chat.status(), 'Waiting for your answer');
        await chat.screenshot('field-error');

        await form.getByTestId('field-email').fill('alice@example.com');
        await form.getByTestId('submit-identity').click();
        await chat.waitForStatus(0, 'complete');
        const submits = chat.sent('submit_interaction').map((f) => (f.frame as { values?: unknown }).values);
        assert.deepEqual(submits, [
          { name: 'Alice Example', email: 'alice-at-example' },
          { name: 'Alice Example', email: 'alice@example.com' },
        ]);
        assert.equal(await chat.answer(0).textContent(), 'Thanks, the confirmation is on its way.');
        assert.equal(await chat.turn(0).getByTestId('tool').count(), 0); // the form's raise tool is the card, not a tool line
        assert.match((await chat.turn(0).getByTestId('ask-outcome').textContent()) ?? '', /Details sent/);
        await chat.screenshot('submitted');
      },
    ),

  /** A choices card: sent unanswered, the server's error shows under the question; answered, the turn goes on. */
  choices: (env) =>
    withChat(
      env,
      'choices',
      {
        script: [
          {
            kind: 'toolCall',
            name: 'request_choices',
            arguments: JSON.stringify({
              questions: [
                {
                  question: 'How would you like your refund?',
                  header: 'Refund',
                  options: [{ label: 'Original card', description: 'in 3-5 business days' }, { label: 'Store credit' }],
                },
              ],
            }),
          },
          { kind: 'text', text: 'Your refund goes back to your card.' },
        ],
        tokenDelayMs: 50,
      },
      async (chat) => {
        await chat.send("I'd like my money back.");
        const card = chat.turn(0).getByTestId('choices-card');
        await card.waitFor();
        await card.getByTestId('submit-choices').click();
        const error = card.getByTestId('choice-error');
        await error.waitFor();
        assert.ok(((await error.textContent()) ?? '').trim().length > 0, 'the question error has text');
        await chat.screenshot('choice-error');
        await card.getByLabel('Original card').check();
        await card.getByTestId('submit-choices').click();
        await chat.waitForStatus(0, 'complete');
        assert.deepEqual(
          chat.sent('submit_interaction').map((f) => (f.frame as { values?: unknown }).values),
          [{ answers: [{ header: 'Refund', options: [] }] }, { answers: [{ header: 'Refund', options: ['Original card'] }] }],
        );
        assert.equal(await chat.answer(0).textContent(), 'Your refund goes back to your card.');
      },
    ),

  /**
   * A tool behind a one-time code: while the code is awaited the tool reads as waiting for the user,
   * not as failed; a wrong code is said; the right one re-sends the message, whose answer shows the
   * tool done (and only there: the held-back call is not shown as a second one).
   */
  otp: (env) =>
    withChat(
      env,
      'otp',
      payInvoiceBehindCode([
        { kind: 'toolCall', name: 'pay_invoice', arguments: '{"invoice":"7"}' },
        { kind: 'text', text: 'I need to verify it is you first.' },
        { kind: 'toolCall', name: 'pay_invoice', arguments: '{"invoice":"7"}' },
        { kind: 'text', text: 'Invoice 7 is paid.' },
      ]),
      async (chat) => {
        const card = await askToPayInvoice(chat);
        const held = chat.turn(0).getByTestId('tool');
        assert.equal(await held.getAttribute('data-tool-status'), 'waiting');
        assert.match((await held.innerText()).replace(/\s+/g, ' '), /^⋯ Pay invoice waiting for your code$/);
        const iconColor = await held.locator('.icon').evaluate((el) => getComputedStyle(el).backgroundColor);
        assert.notEqual(iconColor, 'rgb(248, 215, 218)', 'not the red of a failed tool');
        await card.getByTestId('otp-code').fill('000000');
        await card.getByTestId('submit-otp').click();
        await card.getByTestId('otp-error').waitFor();
        assert.match((await card.getByTestId('otp-error').textContent()) ?? '', /2 attempts left\./);
        assert.equal(await held.getAttribute('data-tool-status'), 'waiting'); // a wrong code: still waiting
        assert.equal(await chat.page.getByTestId('stop').count(), 0); // the turn is over: nothing to stop
        await chat.screenshot('wrong-code');

        await card.getByTestId('otp-code').fill('123456');
        await card.getByTestId('submit-otp').click();
        await chat.waitForStatus(1, 'complete');
        assert.equal(await chat.answer(1).textContent(), 'Invoice 7 is paid.');
        assert.deepEqual(
          chat.sent('verify_otp').map((f) => (f.frame as { code?: unknown }).code),
          ['000000', '123456'],
        );
        assert.equal(chat.sent('send_message').length, 2); // the message, re-sent once verified
        assert.match((await chat.turn(0).getByTestId('ask-outcome').textContent()) ?? '', /Code verified/);
        const tools = chat.page.getByTestId('tool');
        assert.equal(await tools.count(), 1, 'one Pay invoice card: the one that ran');
        assert.equal(await chat.turn(1).getByTestId('tool').getAttribute('data-tool-status'), 'succeeded');
        assert.match((await tools.first().innerText()).replace(/\s+/g, ' '), /Pay invoice done/);
        await chat.screenshot('verified');
      },
    ),

  /** A code the user does not give (Cancel): the tool did not run, and says so as a tool that did not run. */
  'otp-cancel': (env) =>
    withChat(
      env,
      'otp-cancel',
      payInvoiceBehindCode([
        { kind: 'toolCall', name: 'pay_invoice', arguments: '{"invoice":"7"}' },
        { kind: 'text', text: 'I need to verify it is you first.' },
      ]),
      async (chat) => {
        const card = await askToPayInvoice(chat);
        await card.getByRole('button', { name: 'Cancel' }).click();
        await card.waitFor({ state: 'detached' });
        const tool = chat.turn(0).getByTestId('tool');
        assert.equal(await tool.getAttribute('data-tool-status'), 'failed');
        assert.match((await tool.innerText()).replace(/\s+/g, ' '), /Pay invoice not done/);
        assert.match((await chat.turn(0).getByTestId('ask-outcome').textContent()) ?? '', /You cancelled the verification/);
        assert.equal(chat.sent('verify_otp').length, 0);
        await chat.screenshot('cancelled');
      },
    ),

  /** A code asked for, then the connection lost: the ask says so, and Ask again (off while offline) asks anew. */
  'otp-interrupted': (env) =>
    withChat(
      env,
      'otp-interrupted',
      payInvoiceBehindCode([
        { kind: 'toolCall', name: 'pay_invoice', arguments: '{"invoice":"7"}' },
        { kind: 'text', text: 'I need to verify it is you first.' },
        { kind: 'toolCall', name: 'pay_invoice', arguments: '{"invoice":"7"}' },
        { kind: 'text', text: 'I still need to verify it is you.' },
      ]),
      async (chat) => {
        const card = await askToPayInvoice(chat);
        chat.server.faults.refuseHandshakes(3);
        chat.server.faults.closeAll(1011, 'server going away');
        await card.waitFor({ state: 'detached' });
        const outcome = chat.turn(0).getByTestId('ask-outcome');
        assert.match((await outcome.innerText()).replace(/\s+/g, ' '), /^The connection was lost before your code was checked\. Ask again$/);
        // The tool never ran: not a failure.
        assert.match((await chat.turn(0).getByTestId('tool').innerText()).replace(/\s+/g, ' '), /^⋯ Pay invoice not run$/);
        await chat.banner.filter({ hasText: /You are offline/ }).waitFor();
        assert.equal(await outcome.getByTestId('retry').isDisabled(), true, 'Ask again is off while offline');
        await chat.screenshot('interrupted');

        await chat.banner.waitFor({ state: 'detached', timeout: 20_000 });
        await outcome.getByTestId('retry').click();
        await chat.turn(1).getByTestId('otp-card').waitFor();
        // Asked again once: the cut ask says so instead of offering it again.
        assert.match((await outcome.innerText()).replace(/\s+/g, ' '), /^The connection was lost before your code was checked\. Asked again below\.$/);
        assert.deepEqual(
          chat.sent('send_message').map((f) => (f.frame as { message?: unknown }).message),
          ['Please pay invoice 7.', 'Please pay invoice 7.'],
        );
        await chat.screenshot('asked-again');
      },
    ),

  /** Stop mid-stream: the app sends cancel, the answer ends as stopped and stops growing. */
  stop: (env) =>
    withChat(env, 'stop', { script: [{ kind: 'text', text: STREAMED }], tokenDelayMs: 700 }, async (chat) => {
      await chat.send('Tell me everything about order 1001.');
      await chat.page.waitForFunction(() => (document.querySelector('[data-testid="answer"]')?.textContent ?? '').length > 0);
      await chat.page.getByTestId('stop').click();
      await chat.waitForStatus(0, 'cancelled');
      assert.equal(chat.sent('cancel').length, 1);
      const stopped = (await chat.answer(0).textContent()) ?? '';
      assert.ok(stopped.length > 0 && stopped.length < STREAMED.length, `answer after Stop: ${JSON.stringify(stopped)}`);
      // Nothing more arrives for a stopped turn (the server would have sent the next piece by now).
      await chat.page.waitForTimeout(1_500);
      assert.equal(await chat.answer(0).textContent(), stopped);
      assert.equal(await chat.page.getByTestId('stop').count(), 0);
      assert.equal(await chat.turn(0).getByTestId('message-note').textContent(), 'Stopped');
      await chat.screenshot('stopped');
    }),

  /** A long conversation: each new message scrolls into view, and the header with the connection stays on screen. */
  scroll: (env) =>
    withChat(
      env,
      'scroll',
      { script: Array.from({ length: 6 }, (_, i) => ({ kind: 'text' as const, text: `Answer ${i + 1}. ${LONG}` })), tokenDelayMs: 0 },
      async (chat) => {
        for (let i = 0; i < 6; i++) {
          await chat.send(`Question ${i + 1}: tell me more.`);
          await chat.waitForStatus(i, 'complete');
          await eventually(() => chat.visible(chat.turn(i)), `answer ${i + 1} scrolled into view`);
        }
        assert.ok(await chat.visible(chat.connection), 'the connection status stays on screen');
        assert.ok(await chat.visible(chat.page.getByTestId('new-conversation')), 'so does New conversation');
        assert.equal(await chat.visible(chat.userMessage(0)), false, 'the first message has scrolled away');
        await chat.screenshot('newest-in-view');
      },
    ),

  /** The socket drops mid-turn and the server refuses the first reconnects: a banner says so, Send is disabled; back online, the cut answer is asked again. */
  offline: (env) =>
    withChat(
      env,
      'offline',
      {
        script: [
          { kind: 'text', text: 'First answer, before the drop.' },
          { kind: 'text', text: 'This answer is cut off by the drop.' },
          { kind: 'text', text: 'Back again: the conversation goes on.' },
        ],
        tokenDelayMs: 150,
      },
      async (chat) => {
        await chat.send('Hello!');
        await chat.waitForStatus(0, 'complete');
        await chat.recordConnectionLabels();

        chat.server.faults.dropAtEvent(3);
        chat.server.faults.refuseHandshakes(3);
        await chat.send('Where is my order?');
        await chat.waitForStatus(1, 'interrupted');
        await chat.banner.filter({ hasText: /You are offline/ }).waitFor();
        await chat.page.getByTestId('message').fill('Are you there?');
        assert.equal(await chat.page.getByTestId('send').isDisabled(), true, 'Send is disabled while offline');
        // Said once, in the banner: what is going on, that it retries by itself, what the user can do.
        assert.match((await chat.banner.innerText()).replace(/\s+/g, ' '), /^You are offline\. Reconnecting automatically \(attempt \d+\)… You can send messages again once the connection is back\.$/);
        const header = await chat.headerText();
        assert.equal(header.match(/offline/gi)?.length, 1, `"offline" once: ${header}`);
        assert.equal(header.match(/reconnect/gi)?.length, 1, `"reconnecting" once: ${header}`);
        await chat.screenshot('offline');

        await chat.connection.filter({ hasText: /^Online$/ }).waitFor({ timeout: 20_000 });
        await chat.banner.waitFor({ state: 'detached' });
        assert.equal(await chat.page.getByTestId('send').isEnabled(), true);
        const labels = await chat.connectionLabels();
        assert.ok(labels.some((label) => /Reconnecting automatically \(attempt [2-9]\)…/.test(label)), `refused handshakes retried: ${labels.join(' → ')}`);

        // The cut answer: asked again from its message, on the resumed conversation.
        await chat.page.getByTestId('message').fill('');
        await chat.turn(1).getByTestId('retry').click();
        await chat.waitForStatus(1, 'complete');
        assert.equal(await chat.answer(1).textContent(), 'Back again: the conversation goes on.');
        const creates = chat.sent('create_conversation_session');
        assert.equal(creates.length, 2);
        const first = creates[0]!.frame as { conversationId?: unknown };
        const resumed = creates[1]!.frame as { conversationId?: unknown; supports?: unknown };
        assert.equal(first.conversationId, undefined);
        assert.equal(resumed.conversationId, await chat.conversationId());
        assert.deepEqual(resumed.supports, ['identity_form', 'choice_chips']);
        await chat.screenshot('back-online');
      },
    ),

  /** A reload mid-conversation shows the history again, and the conversation goes on. */
  reload: (env) =>
    withChat(
      env,
      'reload',
      {
        script: [
          { kind: 'text', text: 'Order 1001 arrives on Thursday.' },
          { kind: 'text', text: 'Yes, the same address as last time.' },
        ],
        tokenDelayMs: 20,
      },
      async (chat) => {
        await chat.send('When does order 1001 arrive?');
        await chat.waitForStatus(0, 'complete');
        const conversationId = await chat.conversationId();
        assert.equal(typeof conversationId, 'string');

        await chat.page.reload();
        await chat.waitForStatus(0, 'history');
        assert.equal(await chat.userMessage(0).innerText(), 'When does order 1001 arrive?');
        assert.equal(await chat.answer(0).textContent(), 'Order 1001 arrives on Thursday.');
        await chat.screenshot('after-reload');

        await chat.send('To my usual address?');
        await chat.waitForStatus(1, 'complete');
        assert.equal(await chat.answer(1).textContent(), 'Yes, the same address as last time.');
        const creates = chat.sent('create_conversation_session');
        assert.equal((creates[creates.length - 1]!.frame as { conversationId?: unknown }).conversationId, conversationId);
        await chat.screenshot('continued');

        // New conversation: an empty page, and the next message starts a conversation of its own.
        await chat.page.getByTestId('new-conversation').click();
        await chat.userMessage(0).waitFor({ state: 'detached' });
        await chat.screenshot('new-conversation');
      },
    ),

  /** The server restarts and forgets the conversation: the chat says so and offers a new one, which works. */
  restart: (env) =>
    withChat(
      env,
      'restart',
      {
        script: [
          { kind: 'text', text: 'Order 1001 arrives on Thursday.' },
          { kind: 'text', text: 'Happy to help again.' },
        ],
        tokenDelayMs: 20,
      },
      async (chat) => {
        await chat.send('When does order 1001 arrive?');
        await chat.waitForStatus(0, 'complete');
        await chat.restartServer();
        const lost = chat.banner.filter({ hasText: /no longer available/ });
        // The chat notices on its next connection: at once if it reconnects by itself, else with the next message.
        const noticed = await lost.waitFor({ timeout: 5_000 }).then(
          () => true,
          () => false,
        );
        if (!noticed) {
          await chat.send('Are you there?');
          await lost.waitFor();
        }
        assert.equal(await chat.banner.getAttribute('data-kind'), 'lost');
        assert.equal(await chat.page.getByTestId('send').isDisabled(), true);
        assert.equal(await chat.userMessage(0).innerText(), 'When does order 1001 arrive?'); // the page keeps what was said
        await chat.screenshot('conversation-lost');

        // The banner alone says it and offers the way on: no status repeating it, one New conversation button.
        const said = await chat.headerText();
        assert.equal(said.match(/no longer available|unavailable/gi)?.length, 1, said);
        assert.equal(await chat.page.getByRole('button', { name: /new conversation/i }).count(), 1);
        await chat.page.getByTestId('banner-new-conversation').click();
        await chat.banner.waitFor({ state: 'detached' });
        assert.equal(await chat.page.locator('[data-testid="chat-message"]').count(), 0);
        // A message the lost conversation refused is back in the box, to be sent in the new one.
        if (!noticed) assert.equal(await chat.page.getByTestId('message').inputValue(), 'Are you there?');
        await chat.send('Hello again!');
        await chat.waitForStatus(0, 'complete');
        assert.equal(await chat.answer(0).textContent(), 'Order 1001 arrives on Thursday.'); // the new server's script, from its start
        await chat.screenshot('new-conversation');
      },
    ),
};

const LONG = 'Here is everything I know about it, in some detail, so that the message takes a few lines on the screen and the page has to scroll.';

/** Polls `check` until it holds (a page state Playwright has no locator wait for). */
async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function main(): Promise<number> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !(name in scenarios));
  if (unknown.length > 0) {
    console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${Object.keys(scenarios).join(', ')}`);
    return 2;
  }
  if (!existsSync(join(APP_DIR, 'index.html'))) {
    console.error(`no build of the example at ${APP_DIR}: run scripts/e2e-angular.sh (or npm run build in examples/angular)`);
    return 2;
  }
  const env = await startEnv(APP_DIR, ARTIFACTS);
  let passed = 0;
  let failed = 0;
  try {
    for (const [name, run] of Object.entries(scenarios)) {
      if (wanted.length > 0 && !wanted.includes(name)) continue;
      const started = Date.now();
      try {
        await run(env);
        passed += 1;
        console.log(`✓ ${name} (${Date.now() - started} ms)`);
      } catch (err) {
        failed += 1;
        console.log(`✗ ${name} (${Date.now() - started} ms)\n  ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
    }
  } finally {
    await stopEnv(env);
  }
  console.log(`screenshots: ${ARTIFACTS}`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
