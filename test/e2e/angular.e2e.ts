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

const scenarios: Record<string, (env: Env) => Promise<void>> = {
  /** The answer appears piece by piece, then completes with its citation. */
  stream: (env) =>
    withChat(
      env,
      'stream',
      {
        script: [{ kind: 'text', text: STREAMED }],
        knowledge: [{ source: 'https://shop.example.com/policies/shipping', content: 'Shipping policy: where is my order, delivery takes 3 days.' }],
        tokenDelayMs: 300,
      },
      async (chat) => {
        await chat.connection.filter({ hasText: /^not connected yet$/ }).waitFor();
        await chat.send('Where is my order 1001?');
        await chat.waitForStatus(0, 'streaming');
        // A piece of the answer, before the rest has come.
        await chat.page.waitForFunction(() => (document.querySelector('[data-testid="answer"]')?.textContent ?? '').length > 0);
        const partial = (await chat.answer(0).textContent()) ?? '';
        await chat.screenshot('streaming');
        await chat.waitForStatus(0, 'completed');
        const final = (await chat.answer(0).textContent()) ?? '';
        assert.equal(final, STREAMED);
        assert.ok(partial.length > 0 && partial.length < final.length && final.startsWith(partial), `partial answer ${JSON.stringify(partial)}`);
        assert.equal(await chat.connection.textContent(), 'open');
        const sources = chat.turn(0).getByTestId('citations').getByRole('link');
        assert.equal(await sources.count(), 1);
        assert.equal(await sources.first().getAttribute('href'), 'https://shop.example.com/policies/shipping');
        await chat.screenshot('completed');
      },
    ),

  /** A write tool asks first; Approve runs it and the turn goes on. */
  approve: (env) =>
    withChat(
      env,
      'approve',
      {
        script: [
          { kind: 'toolCall', name: 'cancel_order', arguments: '{"orderId":"1001"}' },
          { kind: 'text', text: 'Order 1001 is cancelled and refunded.' },
        ],
        tools: [{ name: 'cancel_order', description: 'Cancels an order', result: (args) => `order ${String(args['orderId'])} cancelled` }],
        confirmTools: ['cancel_order'],
        tokenDelayMs: 50,
      },
      async (chat) => {
        await chat.send('Please cancel order 1001.');
        const card = chat.turn(0).getByTestId('confirm-card');
        await card.waitFor();
        await chat.waitForStatus(0, 'awaiting-human');
        assert.match((await card.textContent()) ?? '', /cancel_order|[Cc]ancel/);
        await chat.screenshot('confirm-card');
        assert.equal(chat.sent('confirm_tool_action').length, 0);
        await card.getByTestId('approve').click();
        await chat.waitForStatus(0, 'completed');
        assert.equal(await card.count(), 0);
        assert.deepEqual(
          chat.sent('confirm_tool_action').map((f) => (f.frame as { approved?: unknown }).approved),
          [true],
        );
        const tool = chat.turn(0).getByTestId('tool');
        assert.equal(await tool.getAttribute('data-tool-status'), 'succeeded');
        assert.match((await tool.textContent()) ?? '', /cancel_order .*order 1001 cancelled/);
        assert.equal(await chat.answer(0).textContent(), 'Order 1001 is cancelled and refunded.');
        await chat.screenshot('approved');
      },
    ),

  /** Two write confirmations back to back, at full speed: the second card is answerable too (its buttons not left disabled by the first). */
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
        const card = chat.turn(0).getByTestId('confirm-card');
        await card.waitFor();
        await card.getByTestId('approve').click();
        await eventually(() => chat.sent('confirm_tool_action').length === 1, 'the first confirm sent');
        // The first card's button stays disabled once used: an enabled one is the second ask's.
        const approve = chat.turn(0).getByTestId('confirm-card').getByTestId('approve');
        await eventually(async () => (await approve.count()) === 1 && (await approve.isEnabled()), 'the second confirmation answerable');
        await approve.click();
        await chat.waitForStatus(0, 'completed');
        assert.deepEqual(
          chat.sent('confirm_tool_action').map((f) => (f.frame as { approved?: unknown }).approved),
          [true, true],
        );
        assert.equal(await chat.answer(0).textContent(), 'Both orders are cancelled.');
      },
    ),

  /** An invalid email comes back with the server's field error; the corrected form resumes the turn. */
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
        await chat.waitForStatus(0, 'awaiting-human');
        await chat.screenshot('field-error');

        await form.getByTestId('field-email').fill('alice@example.com');
        await form.getByTestId('submit-identity').click();
        await chat.waitForStatus(0, 'completed');
        const submits = chat.sent('submit_interaction').map((f) => (f.frame as { values?: unknown }).values);
        assert.deepEqual(submits, [
          { name: 'Alice Example', email: 'alice-at-example' },
          { name: 'Alice Example', email: 'alice@example.com' },
        ]);
        assert.equal(await chat.answer(0).textContent(), 'Thanks, the confirmation is on its way.');
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
        await chat.waitForStatus(0, 'completed');
        assert.deepEqual(
          chat.sent('submit_interaction').map((f) => (f.frame as { values?: unknown }).values),
          [{ answers: [{ header: 'Refund', options: [] }] }, { answers: [{ header: 'Refund', options: ['Original card'] }] }],
        );
        assert.equal(await chat.answer(0).textContent(), 'Your refund goes back to your card.');
      },
    ),

  /** Stop mid-stream: the app sends cancel, the turn ends cancelled, the answer stops growing. */
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
      assert.equal(await chat.page.getByTestId('stop').isDisabled(), true);
      await chat.screenshot('stopped');
    }),

  /** The server drops the socket mid-turn: the status shows the reconnect, the next message is answered on the resumed conversation. */
  reconnect: (env) =>
    withChat(
      env,
      'reconnect',
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
        await chat.waitForStatus(0, 'completed');
        await chat.recordConnectionLabels();

        // The next turn loses its socket after the 202 and one piece; the first reconnects are
        // refused, so the reconnecting state lasts long enough to be seen.
        chat.server.faults.dropAtEvent(3);
        chat.server.faults.refuseHandshakes(2);
        await chat.send('Where is my order?');
        await chat.waitForStatus(1, 'failed');
        const failure = chat.turn(1).getByTestId('failure');
        assert.match((await failure.getAttribute('data-code')) ?? '', /^CONNECTION_(CLOSED|ERROR)$/);
        await chat.connection.filter({ hasText: /^reconnecting \(attempt \d+\)$/ }).waitFor();
        await chat.screenshot('reconnecting');
        await chat.connection.filter({ hasText: /^open$/ }).waitFor({ timeout: 20_000 });
        const labels = await chat.connectionLabels();
        assert.ok(labels.includes('reconnecting (attempt 1)'), `labels: ${labels.join(' → ')}`);
        assert.ok(labels.some((label) => /^reconnecting \(attempt [2-9]\)$/.test(label)), `refused handshakes retried: ${labels.join(' → ')}`);
        assert.equal(labels[labels.length - 1], 'open');

        await chat.send('Are you still there?');
        await chat.waitForStatus(2, 'completed');
        assert.equal(await chat.answer(2).textContent(), 'Back again: the conversation goes on.');
        // The conversation went on: the app resumed it (same conversationId) on the new socket.
        const creates = chat.sent('create_conversation_session');
        assert.equal(creates.length, 2);
        const resumed = creates[1]!.frame as { conversationId?: unknown; supports?: unknown };
        assert.equal(typeof resumed.conversationId, 'string');
        assert.deepEqual(resumed.supports, ['identity_form', 'choice_chips']);
        assert.notEqual(creates[1]!.connection, creates[0]!.connection);
        await chat.screenshot('continued');
      },
    ),
};

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
