/**
 * Mock server: the script is checked when the server starts, each conversation plays it from its
 * start, and the scripted agent answers what the human decided.
 */
import { DEMO_MESSAGES, demoServerOptions } from '../../src/cli/demo.js';
import { MockScriptError, startMockServer, type MockModelOutput } from '../../src/testing/mock-server/index.js';
import { shapes, tokensOf, useMockServers } from './mock-client.js';

const h = useMockServers();
const text = (t: string, declined?: string): MockModelOutput => ({ kind: 'text', text: t, ...(declined === undefined ? {} : { declined }) });
const call = (name: string, args: object): MockModelOutput => ({ kind: 'toolCall', name, arguments: JSON.stringify(args) });
const wipe = { tools: [{ name: 'wipe', result: 'wiped' }], confirmTools: ['wipe'] };
const identity = call('request_identity_intake', { fields: [{ key: 'email', required: true }], reason: 'to reply' });

describe('the script is checked at start', () => {
  const refused = async (script: readonly MockModelOutput[], tools = wipe.tools): Promise<MockScriptError> => {
    const error: unknown = await startMockServer({ script, tools }).then(
      async (server) => {
        await server.close();
        throw new Error('the server started');
      },
      (e: unknown) => e,
    );
    if (!(error instanceof MockScriptError)) throw error;
    return error;
  };

  it('a form tool called with the wrong arguments fails naming the step, with the shape it takes', async () => {
    const error = await refused([text('hi'), call('wipe', {}), call('request_identity_intake', { spec: { fields: [] } })]);
    expect(error.code).toBe('INVALID_SCRIPT');
    expect(error.step).toBe(2);
    expect(error.message).toMatch(/^startMockServer: script\[2\] \(toolCall request_identity_intake\): invalid identity_intake spec/);
    expect(error.message).toContain("{ fields: [{ key: 'name' | 'email' | 'phone', required?, label? }, ...], reason? }");
  });

  it('choices with too few options, an unknown tool, arguments that are not a JSON object, an unknown kind', async () => {
    const oneOption = call('request_choices', { questions: [{ question: 'Which?', header: 'Pick', options: [{ label: 'A' }] }] });
    expect((await refused([oneOption])).message).toMatch(/^startMockServer: script\[0\] \(toolCall request_choices\): invalid choices spec/);
    const unknown = await refused([text('a'), call('wpie', {})]);
    expect(unknown.step).toBe(1);
    expect(unknown.message).toBe("startMockServer: script[1] (toolCall wpie): no such tool (known: wipe, request_identity_intake, request_choices); list it in the 'tools' option");
    expect((await refused([{ kind: 'toolCall', name: 'wipe', arguments: '{not json' }])).message).toMatch(/script\[0\] \(toolCall wipe\): arguments are not valid JSON/);
    expect((await refused([{ kind: 'toolCall', name: 'wipe', arguments: '[1]' }])).message).toMatch(/arguments must be a JSON object/);
    expect((await refused([{ kind: 'txt', text: 'x' } as unknown as MockModelOutput])).message).toMatch(/script\[0\] has kind "txt"/);
  });

  // Started, the typo leaves the write ungated: a test of an integration's confirmation would pass without the client ever confirming.
  it('a confirmTools entry naming no tool (a typo) is refused at start', async () => {
    const started = startMockServer({ script: [call('wipe', {}), text('Wiped.', 'Left as is.')], tools: wipe.tools, confirmTools: ['wpie'] });
    const outcome: unknown = await started.then(
      async (server) => {
        await server.close();
        return 'started';
      },
      (e: unknown) => e,
    );
    expect(outcome).toBeInstanceOf(Error);
    expect(String(outcome)).toMatch(/confirmTools.*wpie/);
  });

  it('an otp.tools entry naming no tool is refused at start', async () => {
    const outcome: unknown = await startMockServer({ script: [text('a')], tools: wipe.tools, otp: { tools: ['wpie'] } }).then(
      async (server) => {
        await server.close();
        return 'started';
      },
      (e: unknown) => e,
    );
    expect(String(outcome)).toMatch(/otp\.tools.*wpie/);
  });

  it('a valid script of every kind starts', async () => {
    const choices = call('request_choices', { questions: [{ question: 'Which?', header: 'Pick', options: [{ label: 'A' }, { label: 'B' }] }], reason: 'r' });
    const server = await h.server({ script: [text('a', 'b'), call('wipe', { all: true }), identity, choices, { kind: 'toolCall', name: 'wipe', arguments: '' }], ...wipe });
    expect(server.port).toBeGreaterThan(0);
  });
});

describe('each conversation plays the script from its start', () => {
  it('a second conversation (a second browser tab) gets the first answer, not the first conversation’s next one', async () => {
    const server = await h.server({ script: [text('one'), text('two')] });
    const tab1 = await h.client(server);
    const first = await tab1.createSession();
    expect(tokensOf(await tab1.say(first.sessionId!, 'hi', 'r1'), 'r1').join('')).toBe('one');
    const tab2 = await h.client(server);
    const second = await tab2.createSession();
    expect(tokensOf(await tab2.say(second.sessionId!, 'hi', 'r2'), 'r2').join('')).toBe('one');
    // A resume of the first conversation goes on where it was.
    const resumed = await tab2.createSession({ conversationId: first.conversationId });
    expect(tokensOf(await tab2.say(resumed.sessionId!, 'and?', 'r3'), 'r3').join('')).toBe('two');
    expect(tokensOf(await tab1.say(second.sessionId!, 'and?', 'r4'), 'r4').join('')).toBe('two');
  });
});

describe('the scripted agent answers what the human decided', () => {
  it('a denied write is not carried out and the answer says so; an approved one is', async () => {
    const calls: string[] = [];
    const tools = [{ name: 'wipe', result: () => (calls.push('wipe'), 'wiped') }];
    const server = await h.server({ script: [call('wipe', {}), text('Wiped.', 'I left everything as it was.')], tools, confirmTools: ['wipe'] });
    const answer = async (approved: boolean): Promise<string> => {
      const client = await h.client(server);
      const { sessionId } = await client.createSession();
      client.send({ action: 'send_message', requestId: 'r1', sessionId, message: 'wipe it' });
      await client.until((f) => f.type === 'stream_chunk');
      client.send({ action: 'confirm_tool_action', requestId: 'c1', sessionId, approved });
      return tokensOf(await client.until((f) => f.type === 'eventual_response'), 'r1').join('');
    };
    expect(await answer(false)).toBe('I left everything as it was.');
    expect(calls).toEqual([]);
    expect(await answer(true)).toBe('Wiped.');
    expect(calls).toEqual(['wipe']);
  });

  it('a declined form is not thanked for', async () => {
    const server = await h.server({ script: [identity, text('Thanks, I will write to you.', 'No problem, I will not contact you.')] });
    const answer = async (submit: object): Promise<string> => {
      const client = await h.client(server);
      const { sessionId } = await client.createSession({ supports: ['identity_form'] });
      client.send({ action: 'send_message', requestId: 'r1', sessionId, message: 'reply to me' });
      const asked = await client.until((f) => f.type === 'interaction_required');
      const { interactionId } = asked[asked.length - 1]!.data.data;
      client.send({ action: 'submit_interaction', requestId: 'r1', sessionId, interactionId, kind: 'identity_intake', ...submit });
      const frames = await client.until((f) => f.type === 'eventual_response');
      expect(shapes(frames).at(-1)).toBe('eventual_response');
      return tokensOf(frames, 'r1').join('');
    };
    expect(await answer({ declined: true })).toBe('No problem, I will not contact you.');
    expect(await answer({ values: { email: 'a@example.com' } })).toBe('Thanks, I will write to you.');
  });
});

describe('the demo agent (smooth-rx chat and serve)', () => {
  const turnUntil = async (client: Awaited<ReturnType<typeof h.client>>, sessionId: string, message: string, requestId: string, type: string) => {
    client.send({ action: 'send_message', requestId, sessionId, message });
    return client.until((f) => f.requestId === requestId && f.type === type);
  };

  it('a denied cancellation is not claimed, a declined form is not thanked for, and a second tab starts at the greeting', async () => {
    const server = await h.server(demoServerOptions({ tokenDelayMs: 0 }));
    const client = await h.client(server);
    const { sessionId } = await client.createSession({ supports: ['identity_form'] });
    for (const [i, message] of DEMO_MESSAGES.slice(0, 2).entries()) await client.say(sessionId!, message, `r${i}`);
    await turnUntil(client, sessionId!, DEMO_MESSAGES[2]!, 'r2', 'write_confirmation_required');
    client.send({ action: 'confirm_tool_action', requestId: 'c2', sessionId, approved: false });
    const denied = tokensOf(await client.until((f) => f.requestId === 'r2' && f.type === 'eventual_response'), 'r2').join('');
    expect(denied).toMatch(/did not cancel/);
    expect(denied).not.toMatch(/is cancelled|refund/);

    const asked = await turnUntil(client, sessionId!, DEMO_MESSAGES[3]!, 'r3', 'interaction_required');
    const { interactionId } = asked[asked.length - 1]!.data.data;
    client.send({ action: 'submit_interaction', requestId: 'r3', sessionId, interactionId, kind: 'identity_intake', declined: true });
    const declined = tokensOf(await client.until((f) => f.requestId === 'r3' && f.type === 'eventual_response'), 'r3').join('');
    expect(declined).not.toMatch(/thank/i);

    const tab2 = await h.client(server);
    const second = await tab2.createSession();
    expect(tokensOf(await tab2.say(second.sessionId!, 'Hello?', 't1'), 't1').join('')).toMatch(/^Hi, I'm the Demo Shop assistant/);
  });
});
