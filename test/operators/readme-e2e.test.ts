// The README's end-to-end operator example (stream a turn, approve a write, fill an identity
// form, print the final answer), run against the mock server.
import { lastValueFrom, switchMap } from 'rxjs';
import { createSmoothClient } from '../../src/index.js';
import { answerInteractions, confirmWrites, finalResponse } from '../../operators/index.js';
import { startMockServer } from '../../src/testing/mock-server/index.js';

it('README: stream a turn, approve a write, fill an identity form, print the final answer', async () => {
  const server = await startMockServer({
    script: [
      { kind: 'toolCall', name: 'cancel_order', arguments: '{"id":"123"}' },
      { kind: 'toolCall', name: 'request_identity_intake', arguments: JSON.stringify({ fields: [{ key: 'name', required: true }, { key: 'email', required: true }], reason: 'to send the quote' }) },
      { kind: 'text', text: 'Order 123 is cancelled; the quote is on its way to alice@example.com.' },
    ],
    tools: [{ name: 'cancel_order', description: 'Cancel an order', result: 'cancelled' }],
    confirmTools: ['cancel_order'],
    knowledge: [{ source: 'policies/returns.md', content: 'Cancelled orders are refunded within 5 days.' }],
  });
  const client = createSmoothClient({ url: server.url });
  const log: string[] = [];
  try {
    const sessionId = (await lastValueFrom(client.createSession({ agentId: 'support', supports: ['identity_form'] }))).sessionId;
    const answer = await lastValueFrom(
      client
        .turn({ sessionId, message: 'Cancel order 123 and send me a quote' })
        .pipe(
          confirmWrites((ask) => {
            log.push(`approve ${ask.data.data.toolId}? yes`);
            return true;
          }),
          answerInteractions({
            identity_intake: () => ({ values: { name: 'Alice Example', email: 'alice@example.com' } }),
            choices: (ask) => ({ values: { answers: ask.spec.questions.map((q) => ({ header: q.header, options: [q.options[0].label] })) } }),
          }),
          finalResponse(),
        ),
    );
    expect(log).toEqual(['approve cancel_order? yes']);
    expect(answer.text).toBe('Order 123 is cancelled; the quote is on its way to alice@example.com.');
    expect(answer.citations).toEqual([expect.objectContaining({ id: 'policies/returns.md' })]);
    expect(answer.usage).toEqual({ costUsd: 0.000105, promptTokens: 30, completionTokens: 15 });
    const submit = server.received.find((r) => r.action === 'submit_interaction');
    expect(submit?.frame).toMatchObject({ values: { name: 'Alice Example', email: 'alice@example.com' } });
  } finally {
    client.close();
    await server.close();
  }
});
