import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ts from 'typescript';
import { SmoothSessionClosedError } from '../../src/errors.js';
import type { ChatAssistantMessage, ChatConfirmAsk, ChatUserMessage } from '../../src/chat/types.js';
import { acceptedFrame, errorFrame, eventualFrame, immediateFrame, preambleFrame, reasoningFrame, tokenFrame, toolCallFrame, toolResultFrame, writeConfirmationFrame } from '../../src/testing/frames.js';
import { testScheduler } from '../client/harness.js';
import { chatHarness, chatServer, lastAssistant, textOf } from './support.js';

describe('chat: sending and streaming', () => {
  it('shows the user message at once, then the answer as it streams, and ends idle', () => {
    testScheduler().run(({ flush }) => {
      const h = chatHarness(chatServer());
      expect(h.chat.state.status).toBe('idle');
      const user = h.chat.send('hello');
      // Before anything reached the server.
      expect(h.chat.state.messages).toEqual([user]);
      expect(user).toMatchObject({ role: 'user', text: 'hello', status: 'sending' });
      expect(h.chat.state.status).toBe('submitted');
      flush();
      const [sent, answer] = h.chat.state.messages as [ChatUserMessage, ChatAssistantMessage];
      expect(sent).toMatchObject({ id: user.id, status: 'sent' });
      expect(answer).toMatchObject({ role: 'assistant', status: 'complete', replyTo: user.id });
      expect(textOf(answer)).toBe('echo: hello');
      expect(h.chat.state.status).toBe('idle');
      // The statuses a spinner follows, in order (each distinct one once).
      const statuses = h.states.map((s) => s.status).filter((s, i, all) => all[i - 1] !== s);
      expect(statuses).toEqual(['idle', 'submitted', 'streaming', 'idle']);
      // The text grew token by token.
      const texts = h.states.map((s) => textOf(lastAssistant(s))).filter((t, i, all) => t !== '' && all[i - 1] !== t);
      expect(texts).toEqual(['echo: ', 'echo: hello']);
    });
  });

  it('keeps the identity of messages that did not change (structural sharing)', () => {
    testScheduler().run(({ flush }) => {
      const h = chatHarness(chatServer());
      h.chat.send('one');
      flush();
      const first = h.chat.state.messages.slice();
      h.chat.send('two');
      flush();
      const after = h.chat.state.messages;
      expect(after).toHaveLength(4);
      expect(after[0]).toBe(first[0]);
      expect(after[1]).toBe(first[1]);
      // A snapshot whose messages did not change keeps the same array.
      const last = h.states[h.states.length - 1];
      expect(h.chat.state.messages).toBe(last?.messages);
    });
  });

  it('builds the answer from typed parts: reasoning, preamble replaced by the answer, tools with results, citations, usage', () => {
    const turn = (id: string) =>
      [
        [1, acceptedFrame(id)],
        [2, reasoningFrame(id, 'think')],
        [3, preambleFrame(id, 'Let me look.')],
        [4, toolCallFrame(id, 'lookup_order', { id: 12 })],
        [5, toolResultFrame(id, 'lookup_order', '{"status":"shipped"}')],
        [6, tokenFrame(id, 'Shipped')],
        [7, eventualFrame(id, { text: 'Shipped', citations: [{ id: 'faq', title: 'FAQ', snippet: 's', score: 2 }] })],
      ] as const;
    testScheduler().run(({ flush }) => {
      const h = chatHarness(chatServer({ turn }));
      h.chat.send('where is 12?');
      flush();
      const answer = lastAssistant(h.chat.state);
      expect(answer?.parts.map((p) => p.type)).toEqual(['reasoning', 'tool', 'text', 'citations', 'usage']);
      expect(answer?.parts[1]).toMatchObject({ type: 'tool', name: 'lookup_order', status: 'succeeded', call: { arguments: { id: 12 } }, result: { result: '{"status":"shipped"}' } });
      // While streaming, the preamble was shown before the answer replaced it.
      const withPreamble = h.states.find((s) => lastAssistant(s)?.parts.some((p) => p.type === 'preamble'));
      expect(withPreamble).toBeDefined();
    });
  });

  it('an answer that asks for a human ends with an escalation part, with its reason', () => {
    const turn = (id: string) => [[1, acceptedFrame(id)], [2, eventualFrame(id, { text: 'Let me get a colleague.', needsEscalation: true, escalationReason: 'refund over limit' })]] as const;
    testScheduler().run(({ flush }) => {
      const h = chatHarness(chatServer({ turn }));
      h.chat.send('refund 900');
      flush();
      expect(lastAssistant(h.chat.state)?.parts.at(-1)).toEqual({ type: 'escalation', reason: 'refund over limit' });
    });
  });

  it('uses the final answer when it differs from the streamed tokens', () => {
    const turn = (id: string) => [[1, acceptedFrame(id)], [2, tokenFrame(id, 'draft')], [3, eventualFrame(id, 'Final answer')]] as const;
    testScheduler().run(({ flush }) => {
      const h = chatHarness(chatServer({ turn }));
      h.chat.send('q');
      flush();
      expect(textOf(lastAssistant(h.chat.state))).toBe('Final answer');
    });
  });

  it('runs messages one at a time, each answer right after its own message', () => {
    testScheduler().run(({ flush }) => {
      const h = chatHarness(chatServer());
      h.chat.send('a');
      h.chat.send('b');
      flush();
      const roles = h.chat.state.messages.map((m) => (m.role === 'user' ? `u:${m.text}` : `a:${textOf(m)}`));
      expect(roles).toEqual(['u:a', 'a:echo: a', 'u:b', 'a:echo: b']);
    });
  });

  it('a turn the server refuses fails typed: the user message carries the fault, the chat is in error until the next send', () => {
    const turn = (id: string, message: string) => (message === 'bad' ? ([[1, errorFrame(id, 'SKILL_NOT_FOUND')]] as const) : ([[1, acceptedFrame(id)], [2, eventualFrame(id, 'ok')]] as const));
    testScheduler().run(({ flush }) => {
      const h = chatHarness(chatServer({ turn }));
      const bad = h.chat.send('bad');
      flush();
      expect(h.chat.state.status).toBe('error');
      expect(h.chat.state.error).toMatchObject({ code: 'SKILL_NOT_FOUND', retryable: false });
      expect(h.chat.state.messages).toEqual([expect.objectContaining({ id: bad.id, status: 'failed', error: expect.objectContaining({ code: 'SKILL_NOT_FOUND' }) })]);
      h.chat.send('good');
      flush();
      expect(h.chat.state.status).toBe('idle');
      expect(h.chat.state.error).toBeUndefined();
    });
  });

  it('a turn that fails after it was accepted ends its answer failed, with the fault', () => {
    const turn = (id: string) => [[1, acceptedFrame(id)], [2, tokenFrame(id, 'par')], [3, errorFrame(id, 'LLM_UNAVAILABLE')]] as const;
    testScheduler().run(({ flush }) => {
      const h = chatHarness(chatServer({ turn }));
      h.chat.send('q');
      flush();
      expect(lastAssistant(h.chat.state)).toMatchObject({ status: 'failed', error: { code: 'LLM_UNAVAILABLE', retryable: true } });
      expect(textOf(lastAssistant(h.chat.state))).toBe('par');
    });
  });

  it('stop() stops the running turn: the answer ends cancelled, the chat idle', () => {
    const turn = (id: string) => [[1, acceptedFrame(id)], [2, tokenFrame(id, 'long answer')]] as const;
    testScheduler().run(({ flush }) => {
      const h = chatHarness(chatServer({ turn }));
      h.chat.send('q');
      flush();
      expect(h.chat.state.status).toBe('streaming');
      expect(h.chat.stop()).toBe(true);
      flush();
      expect(lastAssistant(h.chat.state)?.status).toBe('cancelled');
      expect(h.chat.state.status).toBe('idle');
      expect(h.sentLog().filter((a) => a.startsWith('cancel'))).toHaveLength(1);
      expect(h.chat.stop()).toBe(false);
    });
  });

  it('close() stops what runs, completes state$ with a closed snapshot, and refuses new messages', () => {
    const turn = (id: string) => [[1, acceptedFrame(id)]] as const;
    testScheduler().run(({ flush }) => {
      const h = chatHarness(chatServer({ turn }));
      let completed = false;
      h.chat.state$.subscribe({ complete: () => (completed = true) });
      h.chat.send('q');
      flush();
      h.chat.close();
      flush();
      expect(completed).toBe(true);
      expect(h.states[h.states.length - 1]?.status).toBe('closed');
      expect(lastAssistant(h.chat.state)?.status).toBe('cancelled');
      expect(() => h.chat.send('again')).toThrow(SmoothSessionClosedError);
      expect(h.sentLog().filter((a) => a.startsWith('cancel'))).toHaveLength(1);
    });
  });

  it('coalesces snapshots on the render scheduler: one per tick however many tokens arrived', () => {
    const turn = (id: string) => [[1, acceptedFrame(id)], [2, tokenFrame(id, 'a')], [2, tokenFrame(id, 'b')], [2, tokenFrame(id, 'c')], [3, eventualFrame(id, 'abc')]] as const;
    const scheduler = testScheduler();
    scheduler.run(({ flush }) => {
      const h = chatHarness(chatServer({ turn }), { renderScheduler: scheduler });
      h.chat.send('q');
      flush();
      const texts = h.states.map((s) => textOf(lastAssistant(s)));
      // The three tokens of frame 2 are one snapshot: 'a' and 'ab' were never rendered.
      expect(texts).toContain('abc');
      expect(texts).not.toContain('a');
      expect(texts).not.toContain('ab');
      expect(h.chat.state.status).toBe('idle');
    });
  });
});

describe('chat: edges of the turn lifecycle', () => {
  it('close() while a message waits to be sent leaves no message "sending"', () => {
    const turn = (id: string) => [[1, acceptedFrame(id)]] as const;
    testScheduler().run(({ flush }) => {
      const h = chatHarness(chatServer({ turn }));
      h.chat.send('first');
      flush();
      h.chat.send('queued behind the first');
      h.chat.close();
      flush();
      const statuses = h.chat.state.messages.filter((m) => m.role === 'user').map((m) => m.status);
      expect(statuses).toEqual(['sent', 'failed']);
    });
  });

  it('retry() sends the same request again: model, skill and attachments included', () => {
    let sends = 0;
    const turn = (id: string) => (++sends === 1 ? ([[1, errorFrame(id, 'LLM_UNAVAILABLE')]] as const) : ([[1, acceptedFrame(id)], [2, eventualFrame(id, 'ok')]] as const));
    testScheduler().run(({ flush }) => {
      const h = chatHarness(chatServer({ turn }));
      const user = h.chat.send({ message: 'summarize', skill: 'summarizer', model: 'small', files: [{ name: 'a.txt', url: 'https://x/a.txt' }] });
      flush();
      expect(h.chat.retry(h.chat.state.messages[0] as ChatUserMessage)).toBe(true);
      flush();
      const [first, again] = h.sockets.sent.filter((a) => a.action === 'send_message');
      expect(again).toMatchObject({ message: 'summarize', skill: 'summarizer', model: 'small', files: [{ name: 'a.txt' }] });
      expect(first).toMatchObject({ skill: 'summarizer' });
      expect(h.chat.state.messages[0]).toMatchObject({ id: user.id, status: 'sent' });
    });
  });

});


describe('chat: lifecycle', () => {
  // once the client is closed the chat cannot go on: it says so ('closed', or 'error' with CLIENT_CLOSED), not 'idle'.
  it("the client's close() does not leave the chat idle", () => {
    testScheduler().run(({ flush }) => {
      const h = chatHarness(chatServer());
      h.chat.send('a');
      flush();
      h.client.close();
      flush();
      expect(h.chat.state.status).toBe('closed');
    });
  });

  it("names the agent as the session does (agentName): unknown until a session opens, kept by newConversation()", () => {
    testScheduler().run(({ flush }) => {
      const h = chatHarness(chatServer());
      expect(h.chat.state.agentName).toBeUndefined();
      h.chat.send('hi');
      flush();
      expect(h.chat.state.agentName).toBe('smooth-agent');
      h.chat.newConversation();
      expect(h.chat.state.agentName).toBe('smooth-agent');
    });
  });

  it('open() opens the session before any message, so the agent is named before the user writes', () => {
    testScheduler().run(({ flush }) => {
      const h = chatHarness(chatServer());
      h.chat.open();
      flush();
      expect(h.chat.state).toMatchObject({ agentName: 'smooth-agent', conversationId: 'c1', status: 'idle', messages: [] });
      expect(h.sockets.sent.map((a) => a.action)).toEqual(['create_conversation_session']);
      // Already open: nothing more is sent, and the first message goes out on that session.
      h.chat.open();
      h.chat.send('hi');
      flush();
      expect(h.sockets.sent.filter((a) => a.action === 'create_conversation_session')).toHaveLength(1);
    });
  });

  it('open() refused by the server: the fault is on error, and the next message tries again', () => {
    let refused = false;
    const server = chatServer({
      other: (a) => {
        if (a.action !== 'create_conversation_session' || refused) return undefined;
        refused = true;
        return [[1, errorFrame(a.requestId, 'INVALID_AGENT', 'no such agent')]];
      },
    });
    testScheduler().run(({ flush }) => {
      const h = chatHarness(server);
      h.chat.open();
      flush();
      expect(h.chat.state).toMatchObject({ status: 'error', agentName: undefined, error: { code: 'INVALID_AGENT' } });
      h.chat.send('hi');
      flush();
      expect(h.chat.state).toMatchObject({ status: 'idle', agentName: 'smooth-agent', error: undefined });
    });
  });

  // what the chat keeps per ask is bounded (or released with the ask): it does not grow with every answered ask for the chat's life.
  it('the answers kept for idempotency do not grow with every answered ask', () => {
    let turn = '';
    const server = chatServer({
      turn: (id) => {
        turn = id;
        return [[1, acceptedFrame(id)], [2, writeConfirmationFrame(id, 'x')]];
      },
      other: (a) => (a.action === 'confirm_tool_action' ? [[1, immediateFrame(a.requestId, 200, 'ok', {})], [2, toolResultFrame(turn, 'x', 'ok')], [3, eventualFrame(turn, 'done')]] : undefined),
    });
    testScheduler().run(({ flush }) => {
      const h = chatHarness(server);
      for (let i = 0; i < 20; i++) {
        h.chat.send(`q${i}`);
        flush();
        h.chat.answer(h.chat.state.pendingAsk as ChatConfirmAsk, true);
        flush();
      }
      expect(h.chat.state.status).toBe('idle');
      // Internal: the chat's asks keep one ReplaySubject per answered ask, bounded (newConversation clears them all).
      expect((h.chat as unknown as { asks: { outcomes: Map<string, unknown> } }).asks.outcomes.size).toBeLessThan(20);
    });
  });
});

describe('chat: typings', () => {
  // answering an ask that is not narrowed by `type` needs a value every ask takes (or a type error): `answer(ask: ChatAsk, 'yes')` must not compile, since a confirm answered 'yes' is sent as a denial.
  it('answer() with an unnarrowed ask rejects a value of the wrong kind at compile time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chat-typing-'));
    const file = join(dir, 'use.ts');
    const chatModule = resolve(__dirname, '../../src/chat/index.ts').replace(/\.ts$/, '.js');
    writeFileSync(
      file,
      [
        `import type { ChatAsk, SmoothChat } from ${JSON.stringify(chatModule)};`,
        'declare const chat: SmoothChat;',
        'declare const ask: ChatAsk;',
        "chat.answer(ask, 'yes');",
      ].join('\n'),
    );
    const program = ts.createProgram([file], { strict: true, noEmit: true, skipLibCheck: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: [] });
    const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file);
    rmSync(dir, { recursive: true, force: true });
    expect(errors.length).toBeGreaterThan(0);
  }, 30_000);
});
