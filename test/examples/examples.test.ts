/**
 * The examples are documentation that runs: each `main()` runs in-process against a mock server
 * started here (so the test can see what the server received), and basic-streaming also runs as
 * a real process, the way the README tells users to.
 *
 * Inside Jest, `smooth-operator-rx[/operators|/testing]` are mapped to the sources
 * (jest.config.cjs). The spawned process uses the root tsconfig.json, whose `paths` do the same for
 * tsx: no `dist/` build needed, and never a stale one.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { createSmoothClient } from '../../src/index.js';
import { startMockServer, type MockServer, type MockServerOptions, type ReceivedFrame } from '../../src/testing/mock-server/index.js';
import * as basicStreaming from '../../examples/basic-streaming.js';
import * as historyAndResume from '../../examples/history-and-resume.js';
import * as hitl from '../../examples/hitl.js';
import * as serverSideComposition from '../../examples/server-side-composition.js';

jest.setTimeout(30_000);

const ROOT = resolve(__dirname, '../..');

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(options: MockServerOptions): Promise<MockServer> {
  server = await startMockServer(options);
  return server;
}

/** The frames of one action the server received, as plain objects. */
function framesOf(mock: MockServer, action: string): Record<string, unknown>[] {
  return mock.received.filter((r: ReceivedFrame) => r.action === action).map((r) => r.frame as Record<string, unknown>);
}

/** The text of the script's text entries, in order. */
function scriptedTexts(options: MockServerOptions): string[] {
  return (options.script ?? []).flatMap((output) => (output.kind === 'text' ? [output.text] : []));
}

describe('examples, in-process against a mock server', () => {
  test('basic-streaming: streams the answer in pieces, then the final answer with usage', async () => {
    const mock = await serve(basicStreaming.mockServerOptions);
    const lines: string[] = [];
    const result = await basicStreaming.main({ url: mock.url, log: (line) => lines.push(line) });

    const [expected] = scriptedTexts(basicStreaming.mockServerOptions);
    expect(result.answer).toBe(expected);
    expect(result.pieces.length).toBeGreaterThan(1);
    expect(result.pieces.join('')).toBe(expected);
    expect(result.usage).toEqual(expect.objectContaining({ promptTokens: 10, completionTokens: 5 }));
    expect(framesOf(mock, 'send_message')).toHaveLength(1); // share(): three views, one turn
    expect(lines).toContain(`< ${expected}`);
  });

  test('hitl: approves the write, resubmits the corrected form, then stops a turn mid-stream', async () => {
    const mock = await serve(hitl.mockServerOptions);
    const result = await hitl.main({ url: mock.url, log: () => {} });
    const [doneAnswer, longAnswer] = scriptedTexts(hitl.mockServerOptions);

    // The write confirmation, approved.
    expect(result.confirmations).toEqual([{ toolId: 'update_address', approved: true }]);
    expect(framesOf(mock, 'confirm_tool_action')).toEqual([expect.objectContaining({ approved: true, sessionId: result.sessionId })]);

    // The form: an invalid email rejected by the server, then the corrected one accepted.
    expect(result.emailsSubmitted).toEqual(['alice@example', 'alice@example.com']);
    expect(result.fieldErrors).toEqual([expect.stringMatching(/^email: /)]);
    const submits = framesOf(mock, 'submit_interaction');
    expect(submits.map((frame) => (frame.values as { email?: string }).email)).toEqual(['alice@example', 'alice@example.com']);

    // The completed turn, as the UI model saw it last.
    expect(result.final.status).toBe('completed');
    expect(result.final.answer).toBe(doneAnswer);
    expect(result.final.pending).toBeUndefined();
    expect(result.final.tools.map((tool) => [tool.name, tool.status])).toEqual([
      ['request_identity_intake', 'succeeded'],
      ['update_address', 'succeeded'],
    ]);

    // The stopped turn: part of the answer shown, then `cancel` for exactly that turn.
    expect(result.stopped.partialAnswer).not.toBe('');
    expect(longAnswer?.startsWith(result.stopped.partialAnswer)).toBe(true);
    expect(result.stopped.partialAnswer.length).toBeLessThan(longAnswer?.length ?? 0);
    const stoppedTurn = framesOf(mock, 'send_message').find((frame) => frame.message === result.stopped.message);
    expect(stoppedTurn).toBeDefined();
    expect(framesOf(mock, 'cancel')).toEqual([expect.objectContaining({ requestId: stoppedTurn?.requestId })]);

    // Cancelled server-side mid-stream: the question is stored, no answer was written.
    const reader = createSmoothClient({ url: mock.url });
    try {
      const page = await firstValueFrom(reader.getMessages({ sessionId: result.sessionId }));
      const texts = page.messages.map((message) => message.content.text);
      expect(texts).toContain(result.stopped.message);
      expect(texts).toContain(doneAnswer);
      expect(texts).not.toContain(longAnswer);
    } finally {
      reader.close();
    }
  });

  test('server-side-composition: one result per customer, one client whose pool runs two turns at a time', async () => {
    const mock = await serve(serverSideComposition.mockServerOptions);
    const result = await serverSideComposition.main({ url: mock.url, log: () => {} });

    const byCustomer = new Map(result.map((r) => [r.customer, r]));
    expect(result).toHaveLength(serverSideComposition.customers.length);
    expect([...byCustomer.keys()].sort()).toEqual(['alice', 'bob', 'carol']);
    for (const r of result) {
      expect(r.error).toBeUndefined();
      expect(r.answer).toBe('Here is what our help centre says.');
    }
    expect(byCustomer.get('alice')?.citations).toEqual(['https://help.example.com/shipping']);
    expect(byCustomer.get('bob')?.citations).toEqual(['https://help.example.com/returns']);
    expect(byCustomer.get('carol')?.citations).toEqual(['https://help.example.com/warranty']);

    // One client whose pool opened two sockets (the concurrency), one session and one turn per
    // customer: two turns side by side, the third on a socket a finished turn freed.
    expect(mock.connectionCount()).toBe(2);
    expect(new Set(framesOf(mock, 'send_message').map((frame) => frame.sessionId)).size).toBe(3);
    const turnsOn = [0, 1].map((connection) => mock.received.filter((r) => r.connection === connection && r.action === 'send_message').length);
    expect(turnsOn.sort()).toEqual([1, 2]);
  });

  test('history-and-resume: resumes the conversation on a new connection and pages every message', async () => {
    const mock = await serve(historyAndResume.mockServerOptions);
    const result = await historyAndResume.main({ url: mock.url, log: () => {} });

    // Resumed: same conversation, new session, on a second connection.
    expect(result.resumed.conversationId).toBe(result.conversationId);
    expect(result.resumed.sessionId).not.toBe(result.firstSessionId);
    expect(mock.connectionCount()).toBe(2);
    expect(framesOf(mock, 'create_conversation_session')[1]).toEqual(expect.objectContaining({ conversationId: result.conversationId }));

    // Two turns: four stored messages, newest first, covered by the pages exactly once.
    const ids = result.messages.map((message) => message.id);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
    expect(result.pages.map((page) => page.length)).toEqual([3, 1]);
    expect(result.pages.flat()).toEqual(ids);
    const [answer1, answer2] = scriptedTexts(historyAndResume.mockServerOptions);
    expect(result.messages.map((message) => [message.direction, message.content.text])).toEqual([
      ['outbound', answer2],
      ['inbound', 'When will it arrive?'],
      ['outbound', answer1],
      ['inbound', 'Hi, I ordered a desk lamp last week.'],
    ]);
    expect(framesOf(mock, 'get_conversation_messages').filter((frame) => frame.cursor !== undefined)).toHaveLength(2); // one per second page

    expect(result.conversations).toEqual([expect.objectContaining({ conversationId: result.conversationId, messageCount: 4 })]);
  });
});

describe('examples, on their own embedded mock server', () => {
  test.each([
    ['basic-streaming', () => basicStreaming.main({ log: () => {} })],
    ['hitl', () => hitl.main({ log: () => {} })],
    ['server-side-composition', () => serverSideComposition.main({ log: () => {} })],
    ['history-and-resume', () => historyAndResume.main({ log: () => {} })],
  ])('%s: main() without a url resolves', async (_name, run) => {
    await expect(run()).resolves.toBeDefined();
  });
});

describe('examples, as a process (npx tsx examples/basic-streaming.ts)', () => {
  interface Exit {
    code: number | null;
    stdout: string;
    stderr: string;
  }

  function runExample(args: string[], env: Record<string, string> = {}): Promise<Exit> {
    return new Promise((done, fail) => {
      const { SMOOTH_URL: _ignored, ...inherited } = process.env;
      const child = spawn('npx', ['tsx', 'examples/basic-streaming.ts', ...args], {
        cwd: ROOT,
        // The root tsconfig.json maps the package's self-references to the sources, so the run
        // needs no `npm run build` (and cannot pick up a stale dist/).
        env: { ...inherited, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', fail);
      child.on('close', (code) => done({ code, stdout, stderr }));
    });
  }

  const [expected] = scriptedTexts(basicStreaming.mockServerOptions);

  test('runs against its embedded mock server and exits 0', async () => {
    const exit = await runExample([]);
    expect({ code: exit.code, stderr: exit.code === 0 ? '' : exit.stderr }).toEqual({ code: 0, stderr: '' });
    expect(exit.stdout).toContain(`< ${expected}`);
    expect(exit.stdout).toContain('usage: 10 prompt + 5 completion tokens');
  }, 60_000);

  test('--url points it at another server', async () => {
    const mock = await serve(basicStreaming.mockServerOptions);
    const exit = await runExample(['--url', mock.url]);
    expect({ code: exit.code, stderr: exit.code === 0 ? '' : exit.stderr }).toEqual({ code: 0, stderr: '' });
    expect(exit.stdout).toContain(`< ${expected}`);
    expect(framesOf(mock, 'send_message')).toEqual([expect.objectContaining({ message: 'Where is my order #1042?' })]);
  }, 60_000);
});
