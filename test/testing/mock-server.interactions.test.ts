/** Mock server: interactions (sequence 5 and 8 of PROTOCOL.md) and OTP (sequence 6). */
import { normalisePhone, validateValues } from '../../src/testing/mock-server/interactions.js';
import { shapes, tokensOf, toolResults, useMockServers, type TestClient } from './mock-client.js';

const h = useMockServers();
const text = (t: string) => ({ kind: 'text' as const, text: t });
const call = (name: string, args: object) => ({ kind: 'toolCall' as const, name, arguments: JSON.stringify(args) });

const identitySpec = { fields: [{ key: 'name', required: false }, { key: 'email', required: true }] };
const identityCall = call('request_identity_intake', { ...identitySpec, reason: 'to send you the quote' });
const choicesSpec = {
  questions: [
    { question: 'Which plan?', header: 'Plan', options: [{ label: 'Basic' }, { label: 'Pro', description: 'More seats' }] },
    { question: 'Which add-ons?', header: 'Add-ons', options: [{ label: 'Support' }, { label: 'Backup' }, { label: 'SSO' }], multiSelect: true },
  ],
};

async function parkOnInteraction(client: TestClient, sessionId: string, requestId = 'r-msg') {
  client.send({ action: 'send_message', requestId, sessionId, message: 'send me a quote', stream: true });
  const frames = await client.until((f) => f.type === 'stream_chunk');
  const required = frames.find((f) => f.type === 'interaction_required')!;
  return { frames, interactionId: required.data.data.interactionId as string };
}

describe('5. interactions', () => {
  it('identity_intake: interaction_required, toolCall, park; submit → ack, toolResult, tokens, eventual (as recorded)', async () => {
    const server = await h.server({ script: [identityCall, text("Thanks — I've got your details.")] });
    const client = await h.client(server);
    const { sessionId } = await client.createSession({ supports: ['identity_form'] });
    const { frames, interactionId } = await parkOnInteraction(client, sessionId!);
    expect(shapes(frames)).toEqual(['immediate_response 202', 'interaction_required', 'stream_chunk toolCall']);
    expect(frames[1]).toMatchObject({
      requestId: 'r-msg',
      data: { requestId: 'r-msg', data: { interactionId, kind: 'identity_intake', spec: identitySpec, reason: 'to send you the quote' } },
    });
    expect(frames[2]!.data.state.rawResponse.toolCall).toEqual({ name: 'request_identity_intake', arguments: { ...identitySpec, reason: 'to send you the quote' } });
    expect(frames[2]!.node).toBe('request_identity_intake');

    client.send({ action: 'submit_interaction', requestId: 'r-msg', sessionId, interactionId, kind: 'identity_intake', values: { name: 'Alice Example', email: 'alice@example.com' } });
    const after = await client.turn('r-msg');
    expect(shapes(after)).toEqual(['immediate_response 200', 'stream_chunk toolResult', 'stream_token+', 'eventual_response']);
    expect(after[0]).toMatchObject({
      message: 'Interaction submitted',
      requestId: 'r-msg',
      data: { sessionId, interactionId, kind: 'identity_intake', values: { name: 'Alice Example', email: 'alice@example.com' } },
    });
    expect(toolResults(after)).toEqual([
      { name: 'request_identity_intake', isError: false, result: '{"status":"submitted","values":{"name":"Alice Example","email":"alice@example.com"}}' },
    ]);
    expect(after[after.length - 1]!.data.data.usage).toEqual({ costUsd: 7e-5, promptTokens: 20, completionTokens: 10 });
  });

  it('invalid values → interaction_invalid (still parked) → corrected resubmit resumes with normalised values', async () => {
    const spec = { fields: [{ key: 'name', required: true }, { key: 'email', required: true }, { key: 'phone', required: false }] };
    const server = await h.server({ script: [call('request_identity_intake', { ...spec, reason: 'r' }), text('ok')] });
    const client = await h.client(server);
    const { sessionId } = await client.createSession({ supports: ['identity_form'] });
    const { interactionId } = await parkOnInteraction(client, sessionId!);

    const invalid = await client.request({ action: 'submit_interaction', requestId: 'r-submit-1', sessionId, interactionId, values: { email: 'not-an-email', phone: '12' } });
    expect(invalid).toMatchObject({
      type: 'interaction_invalid',
      requestId: 'r-submit-1',
      data: {
        requestId: 'r-submit-1',
        data: { interactionId, kind: 'identity_intake', message: 'Some fields need attention.', errors: [{ field: 'name' }, { field: 'email', message: 'must be a valid email address' }, { field: 'phone' }] },
      },
    });
    client.send({ action: 'submit_interaction', requestId: 'r-msg', sessionId, interactionId, values: { name: ' Bob ', email: 'bob@example.org', phone: '+44 (20) 7946-0958' } });
    const after = await client.turn('r-msg');
    expect(after[0]).toMatchObject({ type: 'immediate_response', status: 200, data: { values: { name: 'Bob', email: 'bob@example.org', phone: '+442079460958' } } });
    expect(JSON.parse(toolResults(after)[0]!.result)).toEqual({ status: 'submitted', values: { name: 'Bob', email: 'bob@example.org', phone: '+442079460958' } });
  });

  it('a stale interactionId or wrong kind → INTERACTION_MISMATCH on the turn requestId; the turn stays parked', async () => {
    const server = await h.server({ script: [identityCall, text('ok')] });
    const client = await h.client(server);
    const { sessionId } = await client.createSession({ supports: ['identity_form'] });
    const { interactionId } = await parkOnInteraction(client, sessionId!);

    const stale = await client.request({ action: 'submit_interaction', requestId: 'r-msg', sessionId, interactionId: 'stale-id', values: { email: 'a@b.co' } });
    expect(stale).toMatchObject({ type: 'error', requestId: 'r-msg', error: { code: 'INTERACTION_MISMATCH' }, data: { requestId: 'r-msg' } });
    const wrongKind = await client.request({ action: 'submit_interaction', requestId: 'r-msg', sessionId, interactionId, kind: 'choices', values: { answers: [] } });
    expect(wrongKind.error.code).toBe('INTERACTION_MISMATCH');
    expect((await client.request({ action: 'get_session', requestId: 'g1', sessionId })).data.status).toBe('active');

    client.send({ action: 'submit_interaction', requestId: 'r-msg', sessionId, interactionId, kind: 'identity_intake', values: { email: 'a@b.co' } });
    const after = await client.turn('r-msg');
    expect(shapes(after)).toEqual(['immediate_response 200', 'stream_chunk toolResult', 'stream_token+', 'eventual_response']);
  });

  it('declined → "Interaction declined" and a declined tool result', async () => {
    const server = await h.server({ script: [identityCall, text('No problem.')] });
    const client = await h.client(server);
    const { sessionId } = await client.createSession({ supports: ['identity_form'] });
    const { interactionId } = await parkOnInteraction(client, sessionId!);
    client.send({ action: 'submit_interaction', requestId: 'r-msg', sessionId, interactionId, kind: 'identity_intake', declined: true });
    const after = await client.turn('r-msg');
    expect(after[0]).toMatchObject({ type: 'immediate_response', status: 200, message: 'Interaction declined', data: { sessionId, interactionId, kind: 'identity_intake' } });
    expect(toolResults(after)).toEqual([
      { name: 'request_identity_intake', isError: false, result: '{"status":"declined","message":"The user declined to provide this information."}' },
    ]);
    expect(tokensOf(after, 'r-msg').join('')).toBe('No problem.');
  });

  it('without the capability: toolCall and conversational toolResult at once, no park', async () => {
    const server = await h.server({ script: [identityCall, text('What is your email?')] });
    const client = await h.client(server);
    const { sessionId } = await client.createSession({ supports: ['choice_chips'] });
    const frames = await client.say(sessionId!, 'send me a quote', 'r-msg');
    expect(shapes(frames)).toEqual(['immediate_response 202', 'stream_chunk toolCall', 'stream_chunk toolResult', 'stream_token+', 'eventual_response']);
    const result = toolResults(frames)[0]!;
    expect(result.isError).toBe(false);
    expect(JSON.parse(result.result)).toEqual({ mode: 'conversational', kind: 'identity_intake', spec: identitySpec, reason: 'to send you the quote', instructions: expect.any(String) });
  });

  it('choices: validates headers, option labels, single select and completeness', async () => {
    const server = await h.server({ script: [call('request_choices', { ...choicesSpec, reason: 'to tailor the quote' }), text('Great choice.')] });
    const client = await h.client(server);
    const { sessionId } = await client.createSession({ supports: ['choice_chips'] });
    const { frames, interactionId } = await parkOnInteraction(client, sessionId!);
    expect(frames[1]!.data.data).toEqual({ interactionId, kind: 'choices', spec: choicesSpec, reason: 'to tailor the quote' });
    expect(frames[2]!.node).toBe('request_choices');

    const submit = (requestId: string, answers: object[]) => client.request({ action: 'submit_interaction', requestId, sessionId, interactionId, kind: 'choices', values: { answers } });
    const errorsOf = async (requestId: string, answers: object[]) => {
      const reply = await submit(requestId, answers);
      expect(reply.type).toBe('interaction_invalid');
      return reply.data.data.errors.map((e: { field: string }) => e.field);
    };
    expect(await errorsOf('s1', [{ header: 'Nope', options: ['Basic'] }])).toEqual(['answers[0].header', 'Plan', 'Add-ons']);
    expect(await errorsOf('s2', [{ header: 'Plan', options: ['Basic', 'Pro'] }, { header: 'Add-ons', options: ['SSO'] }])).toEqual(['Plan']);
    expect(await errorsOf('s3', [{ header: 'Plan', options: ['Gold'] }, { header: 'Add-ons', options: ['SSO'] }])).toEqual(['Plan']);
    expect(await errorsOf('s4', [{ header: 'Plan', options: ['Pro'] }])).toEqual(['Add-ons']);

    const ok = await submit('s5', [{ header: 'Add-ons', options: ['SSO', 'Backup'] }, { header: 'Plan', options: ['Pro'] }]);
    expect(ok).toMatchObject({ type: 'immediate_response', status: 200, message: 'Interaction submitted' });
    const after = await client.turn('r-msg');
    expect(JSON.parse(toolResults(after)[0]!.result)).toEqual({
      status: 'submitted',
      values: { answers: [{ header: 'Plan', options: ['Pro'] }, { header: 'Add-ons', options: ['SSO', 'Backup'] }] },
    });
  });

  it('submit with no park → NO_PENDING_INTERACTION; cancel resolves an interaction park', async () => {
    const server = await h.server({ script: [identityCall, text('second')] });
    const client = await h.client(server);
    const { sessionId } = await client.createSession({ supports: ['identity_form'] });
    const none = await client.request({ action: 'submit_interaction', requestId: 'x1', sessionId, interactionId: 'i', values: {} });
    expect(none).toMatchObject({ type: 'error', requestId: 'x1', error: { code: 'NO_PENDING_INTERACTION' } });
    const { interactionId } = await parkOnInteraction(client, sessionId!);
    client.send({ action: 'cancel', requestId: 'r-msg', sessionId });
    expect(await client.next()).toMatchObject({ type: 'cancelled', requestId: 'r-msg' });
    const late = await client.request({ action: 'submit_interaction', requestId: 'r-msg', sessionId, interactionId, values: { email: 'a@b.co' } });
    expect(late.error.code).toBe('NO_PENDING_INTERACTION');
    expect(tokensOf(await client.say(sessionId!, 'again', 'r2'), 'r2').join('')).toBe('second');
  });
});

describe('interaction value validation', () => {
  it('normalises phone numbers to E.164 or rejects them', () => {
    expect(normalisePhone('+1 (415) 555-0123')).toBe('+14155550123');
    expect(normalisePhone('0044 20 7946 0958')).toBe('+442079460958');
    expect(normalisePhone('4155550123')).toBe('+4155550123');
    expect(normalisePhone('1234567')).toBeUndefined();
    expect(normalisePhone('+1234567890123456')).toBeUndefined();
    expect(normalisePhone('+1 415 CALL NOW')).toBeUndefined();
  });

  it('requires required identity fields and checks email', () => {
    const spec = { fields: [{ key: 'email', required: true }] };
    expect(validateValues('identity_intake', spec, {})).toEqual({ ok: false, errors: [{ field: 'email', message: 'This field is required.' }] });
    expect(validateValues('identity_intake', spec, { email: 'a@b' })).toMatchObject({ ok: false });
    expect(validateValues('identity_intake', spec, { email: 'a@b.co', extra: 'dropped' })).toEqual({ ok: true, values: { email: 'a@b.co' } });
  });
});

describe('6. OTP', () => {
  const otp = { tools: ['account_balance'] };
  const balance = { name: 'account_balance', result: 'Balance: $42.' };

  it('gated tool: otp_verification_required → otp_sent, error tool result, the turn completes; invalid then verified; then the tool runs', async () => {
    const script = [call('account_balance', {}), text('Please verify your identity first.'), call('account_balance', {}), text('Your balance is $42.')];
    const server = await h.server({ script, tools: [balance], otp });
    const client = await h.client(server);
    const { sessionId } = await client.createSession();
    const first = await client.say(sessionId!, 'what is my balance?', 'r1');
    expect(shapes(first)).toEqual([
      'immediate_response 202',
      'otp_verification_required',
      'otp_sent',
      'stream_chunk toolCall',
      'stream_chunk toolResult',
      'stream_token+',
      'eventual_response',
    ]);
    expect(first[1]!.data).toEqual({
      requestId: 'r1',
      data: { toolId: 'account_balance', actionDescription: "Verify your identity to continue using 'account_balance'.", availableChannels: ['email'], authLevel: 'end_user' },
    });
    expect(first[2]!.data.data).toEqual({ channel: 'email', maskedDestination: 'a***@example.com' });
    expect(toolResults(first)).toEqual([{ name: 'account_balance', isError: true, result: 'identity verification required' }]);

    const wrong = await client.request({ action: 'verify_otp', requestId: 'v1', sessionId, code: '000000' });
    expect(wrong).toMatchObject({ type: 'otp_invalid', requestId: 'v1', data: { requestId: 'v1', data: { attemptsRemaining: 2, error: 'INVALID_CODE', message: expect.any(String) } } });
    const right = await client.request({ action: 'verify_otp', requestId: 'v2', sessionId, code: '123456' });
    expect(right).toMatchObject({ type: 'otp_verified', requestId: 'v2', data: { data: { message: 'Identity verified successfully.' } } });

    const again = await client.say(sessionId!, 'what is my balance?', 'r2');
    expect(shapes(again)).toEqual(['immediate_response 202', 'stream_chunk toolCall', 'stream_chunk toolResult', 'stream_token+', 'eventual_response']);
    expect(toolResults(again)).toEqual([{ name: 'account_balance', isError: false, result: 'Balance: $42.' }]);
  });

  it('locks after maxAttempts wrong codes (MAX_ATTEMPTS, attemptsRemaining 0), even for the right code', async () => {
    const server = await h.server({ tools: [balance], otp: { ...otp, code: '9999', maxAttempts: 2 } });
    const client = await h.client(server);
    const { sessionId } = await client.createSession();
    const verify = (requestId: string, code: string) => client.request({ action: 'verify_otp', requestId, sessionId, code });
    expect((await verify('v1', '1')).data.data).toMatchObject({ attemptsRemaining: 1, error: 'INVALID_CODE' });
    expect((await verify('v2', '2')).data.data).toMatchObject({ attemptsRemaining: 0, error: 'MAX_ATTEMPTS' });
    expect((await verify('v3', '9999')).data.data).toMatchObject({ attemptsRemaining: 0, error: 'MAX_ATTEMPTS' });
  });
});
