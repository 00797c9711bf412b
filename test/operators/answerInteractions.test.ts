import { lastValueFrom, map, of, switchMap, toArray, type Observable } from 'rxjs';
import { expectTypeOf } from 'expect-type';
import { answerInteractions, type InteractionAsk } from '../../operators/answerInteractions.js';
import { createSmoothClient, type SmoothClient } from '../../src/client/client.js';
import { startMockServer, type MockServer, type MockServerOptions } from '../../src/testing/mock-server/index.js';
import type { ChoicesSpec, IdentityIntakeSpec } from '../../src/generated/types.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import { ack, interactionRequired } from '../fixtures/events.js';
import { harness, testScheduler } from '../client/harness.js';

const raise = (name: string, args: object) => ({ kind: 'toolCall' as const, name, arguments: JSON.stringify(args) });
const identity = raise('request_identity_intake', { fields: [{ key: 'name', required: false }, { key: 'email', required: true }], reason: 'to send you the quote' });
const choices = raise('request_choices', { questions: [{ question: 'Which plan?', header: 'Plan', options: [{ label: 'Basic' }, { label: 'Pro' }] }], reason: 'to tailor the quote' });

describe('answerInteractions against the mock server', () => {
  let server: MockServer;
  let client: SmoothClient;
  const run = async (options: MockServerOptions, supports: string[], operator: (s: Observable<TurnEvent>) => Observable<TurnEvent>) => {
    server = await startMockServer(options);
    client = createSmoothClient({ url: server.url });
    return lastValueFrom(
      client.createSession({ agentId: 'agent', supports }).pipe(
        switchMap((s) => client.turn({ sessionId: s.sessionId, message: 'send me a quote' })),
        operator,
        map((e) => (e.type === 'immediate_response' ? `ack${e.status}` : e.type === 'stream_chunk' ? (e.data.state?.rawResponse?.toolCall ? 'call' : 'result') : e.type)),
        toArray(),
      ),
    );
  };
  afterEach(async () => {
    client.close();
    await server.close();
  });

  it('fills an identity form, and resubmits with the server field errors while it answers interaction_invalid', async () => {
    const asks: Array<Pick<InteractionAsk<IdentityIntakeSpec>, 'attempt' | 'errors' | 'reason'>> = [];
    const events = await run({ script: [identity, { kind: 'text', text: 'Thanks!' }] }, ['identity_form'], answerInteractions({
      identity_intake: (ask) => {
        asks.push({ attempt: ask.attempt, errors: ask.errors, reason: ask.reason });
        expect(ask.spec.fields.map((f) => f.key)).toEqual(['name', 'email']);
        return { values: { name: 'Alice', email: ask.attempt === 1 ? 'not-an-email' : 'alice@example.com' } };
      },
    }));
    expect(events).toEqual(['ack202', 'interaction_required', 'call', 'interaction_invalid', 'ack200', 'result', 'stream_token', 'stream_token', 'stream_token', 'eventual_response']);
    expect(asks).toEqual([
      { attempt: 1, errors: [], reason: 'to send you the quote' },
      { attempt: 2, errors: [expect.objectContaining({ field: 'email' })], reason: 'to send you the quote' },
    ]);
    const submits = server.received.filter((r) => r.action === 'submit_interaction').map((r) => r.frame);
    expect(submits).toEqual([expect.objectContaining({ values: { name: 'Alice', email: 'not-an-email' } }), expect.objectContaining({ values: { name: 'Alice', email: 'alice@example.com' } })]);
  });

  it('answers choices with a Promise', async () => {
    const events = await run({ script: [choices, { kind: 'text', text: 'Pro it is.' }] }, ['choice_chips'], answerInteractions({
      choices: async (ask) => ({ values: { answers: ask.spec.questions.map((q) => ({ header: q.header, options: [q.options[1].label] })) } }),
    }));
    expect(events.at(-1)).toBe('eventual_response');
    expect(server.received.find((r) => r.action === 'submit_interaction')?.frame).toMatchObject({ kind: 'choices', values: { answers: [{ header: 'Plan', options: ['Pro'] }] } });
  });

  it('declines a kind with no handler by default, and after maxAttempts invalid answers', async () => {
    const events = await run({ script: [choices, { kind: 'text', text: 'No worries.' }] }, ['choice_chips'], answerInteractions({}));
    expect(events).toContain('eventual_response');
    expect(server.received.find((r) => r.action === 'submit_interaction')?.frame).toMatchObject({ declined: true });
    client.close();
    await server.close();
    await run({ script: [identity, { kind: 'text', text: 'Okay.' }] }, ['identity_form'], answerInteractions({ identity_intake: () => ({ values: { email: 'nope' } }) }, { maxAttempts: 2 }));
    const submits = server.received.filter((r) => r.action === 'submit_interaction').map((r) => r.frame as { declined?: boolean });
    expect(submits.map((s) => s.declined === true)).toEqual([false, false, true]);
  });

  it('declines through a handler reply too', async () => {
    await run({ script: [identity, { kind: 'text', text: 'Okay.' }] }, ['identity_form'], answerInteractions({ identity_intake: () => ({ declined: true }) }));
    expect(server.received.find((r) => r.action === 'submit_interaction')?.frame).toMatchObject({ declined: true, kind: 'identity_intake' });
  });
});

describe('answerInteractions timing', () => {
  it("with unhandled: 'leave' sends nothing and leaves the turn to the caller", () => {
    const h = harness((a) => (a.action === 'send_message' ? [[1, ack(a.requestId)], [2, interactionRequired(a.requestId, 'ix-1')]] : undefined));
    testScheduler().run(({ expectObservable }) => {
      const turn$ = h.client.turn({ sessionId: 's', message: 'x' }).pipe(answerInteractions({}, { unhandled: 'leave' }), map((e) => e.type));
      expectObservable(turn$, '^ 50ms !').toBe('-ab', { a: 'immediate_response', b: 'interaction_required' });
    });
    expect(h.sentLog()).toEqual(['send_message:1', 'cancel:1']);
  });

  it('an unanswered ask is dropped with the stream: unsubscribing cancels the turn and the handler Observable', () => {
    const h = harness((a) => (a.action === 'send_message' ? [[1, ack(a.requestId)], [2, interactionRequired(a.requestId, 'ix-1')]] : undefined));
    testScheduler().run(({ expectObservable, expectSubscriptions, cold }) => {
      const form = cold<never>('-');
      const turn$ = h.client.turn({ sessionId: 's', message: 'x' }).pipe(answerInteractions({ identity_intake: () => form }), map((e) => e.type));
      expectObservable(turn$, '^----!').toBe('-ab', { a: 'immediate_response', b: 'interaction_required' });
      expectSubscriptions(form.subscriptions).toBe('--^--!');
    });
    expect(h.sentLog()).toEqual(['send_message:1', 'cancel:1']);
  });

  it('types each handler by its kind', () => {
    const op = answerInteractions({
      identity_intake: (ask) => {
        expectTypeOf(ask.spec).toEqualTypeOf<IdentityIntakeSpec>();
        return { values: { email: 'a@b.c' } };
      },
      choices: (ask) => {
        expectTypeOf(ask.spec).toEqualTypeOf<ChoicesSpec>();
        return of({ declined: true as const });
      },
      other: { date_picker: (ask) => ({ values: { date: String(ask.spec.min) } }) },
    });
    // @ts-expect-error: identity values are typed
    answerInteractions({ identity_intake: () => ({ values: { email: 42 } }) });
    expect(typeof op).toBe('function');
  });
});
