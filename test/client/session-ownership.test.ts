import { asyncScheduler, of } from 'rxjs';
import type { ClientAction, Session } from '../../src/generated/types.js';
import { SmoothConversationLostError, SmoothError } from '../../src/errors.js';
import {
  acceptedFrame,
  cancelledFrame,
  errorFrame,
  eventualFrame,
  immediateFrame,
  messagesPageData,
  otpRequiredFrame,
  otpSentFrame,
  otpVerifiedFrame,
  sessionData,
  tokenFrame,
} from '../../src/testing/frames.js';
import { verifyOtp } from '../../operators/verifyOtp.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import { connectionPool } from '../../src/client/pool.js';
import { harness, type Script, testScheduler } from './harness.js';

/**
 * A server that forgets its sessions on restart (close 1012) but keeps conversations: each
 * conversation (one per userName) gets a new sessionId per create; a send on a sessionId minted
 * before the last restart fails SESSION_NOT_FOUND, as on a real server.
 */
function restartingServer(hold: (action: ClientAction) => boolean = () => false) {
  let minted = 0;
  const live = new Set<string>();
  const script: Script = (action) => {
    switch (action.action) {
      case 'create_conversation_session': {
        const sessionId = `s${++minted}`;
        live.add(sessionId);
        return [[1, immediateFrame(action.requestId, 200, 'ok', { ...sessionData({ sessionId, conversationId: action.conversationId ?? `c-${action.userName}` }) })]];
      }
      case 'send_message':
        if (!live.has(action.sessionId)) return [[1, errorFrame(action.requestId, 'SESSION_NOT_FOUND')]];
        if (hold(action)) return [[1, acceptedFrame(action.requestId)]];
        return [
          [1, acceptedFrame(action.requestId)],
          [2, tokenFrame(action.requestId, 'ok')],
          [3, eventualFrame(action.requestId, `${action.message} on ${action.sessionId}`)],
        ];
      case 'get_conversation_messages':
        if (!live.has(action.sessionId)) return [[1, errorFrame(action.requestId, 'SESSION_NOT_FOUND')]];
        if (hold(action)) return [];
        return [[1, immediateFrame(action.requestId, 200, 'ok', { ...messagesPageData({ messages: [{ id: 'm1', direction: 'inbound', content: { text: 'hi' } }], hasMore: false, nextCursor: null }) })]];
      case 'cancel':
        return [[1, cancelledFrame(action.requestId ?? '')]];
      default:
        return undefined;
    }
  };
  return { script, restart: () => live.clear() };
}

const answers = (events: TurnEvent[]) => events.filter((e) => e.type === 'eventual_response').map((e) => String((e as { data: { data: { response: { responseParts: unknown[] } } } }).data.data.response.responseParts[0]));
const sends = (sent: ClientAction[]) => sent.filter((a): a is Extract<ClientAction, { action: 'send_message' }> => a.action === 'send_message');

describe('the session handle picks the session as each action starts', () => {
  it("a handle's turn queued behind another handle's turn runs on a resumed session after a server restart", () => {
    const server = restartingServer((a) => a.action === 'send_message' && a.message === 'long');
    const h = harness(server.script, { retryBaseDelayMs: 10, turnTimeoutMs: 0 });
    const alice = h.client.session({ agentId: 'a', userName: 'alice' });
    const bob = h.client.session({ agentId: 'a', userName: 'bob' });
    const bobEvents: TurnEvent[] = [];
    let bobError: unknown;
    testScheduler().run(({ flush }) => {
      bob.open().subscribe();
      flush();
      alice.turn('long').subscribe({ error: () => undefined });
      flush();
      // Bob's turn waits for the connection's turn slot, held by Alice's turn.
      bob.turn('queued').subscribe({ next: (e) => bobEvents.push(e), error: (err) => (bobError = err) });
      flush();
      server.restart();
      h.sockets.current.serverClose(1012, 'restart');
      flush();
    });
    expect(bobError).toBeUndefined();
    const bobSend = sends(h.sockets.sent).find((a) => a.message === 'queued');
    expect(bobSend?.sessionId).toBe(bob.info?.sessionId);
    expect(answers(bobEvents)).toEqual([`queued on ${bob.info?.sessionId}`]);
  });

  it('with a pool, every queued handle resumes before its turn after a restart', () => {
    const server = restartingServer((a) => a.action === 'send_message' && a.message === 'long');
    const h = harness(server.script, { retryBaseDelayMs: 10, turnTimeoutMs: 0, pool: connectionPool({ maxConnections: 2 }) });
    const handles = Array.from({ length: 6 }, (_, i) => h.client.session({ agentId: 'a', userName: `u${i}` }));
    const outcomes: string[] = [];
    testScheduler().run(({ flush }) => {
      for (const handle of handles) handle.open().subscribe();
      flush();
      handles[0]?.turn('long').subscribe({ error: () => outcomes.push('lost') });
      handles[1]?.turn('long').subscribe({ error: () => outcomes.push('lost') });
      flush();
      for (const handle of handles.slice(2)) {
        handle.turn('later').subscribe({ next: (e) => (e.type === 'eventual_response' ? outcomes.push('answered') : undefined), error: (err: SmoothError) => outcomes.push(err.code) });
      }
      flush();
      server.restart();
      for (const socket of h.sockets.all) socket.serverClose(1012, 'restart');
      flush();
    });
    expect(outcomes.sort()).toEqual(['answered', 'answered', 'answered', 'answered', 'lost', 'lost']);
  });

  it('a history page in flight during a drop is fetched again on the resumed session', () => {
    let holdFirst = true;
    const server = restartingServer((a) => {
      if (a.action !== 'get_conversation_messages' || !holdFirst) return false;
      holdFirst = false;
      return true;
    });
    // No request timeout: flush() runs virtual time to its end, and the held page must wait for the drop.
    const h = harness(server.script, { retryBaseDelayMs: 10, requestTimeoutMs: 0 });
    const session = h.client.session({ agentId: 'a', userName: 'alice' });
    const texts: string[] = [];
    let failure: unknown;
    testScheduler().run(({ flush }) => {
      session.history().subscribe({ next: (m) => texts.push(String(m.content.text)), error: (err) => (failure = err) });
      flush();
      server.restart();
      h.sockets.current.fail();
      flush();
    });
    expect(failure).toBeUndefined();
    const pages = h.sockets.sent.filter((a) => a.action === 'get_conversation_messages').map((a) => (a as { sessionId: string }).sessionId);
    expect(pages).toEqual(['s1', 's2']);
    expect(texts).toEqual(['hi']);
  });

  it("the message re-sent after a verified one-time code is the handle's: cancel() and close() reach it", () => {
    let sent = 0;
    const script: Script = (action) => {
      switch (action.action) {
        case 'create_conversation_session':
          return [[1, immediateFrame(action.requestId, 200, 'ok', { ...sessionData({ sessionId: 's1', conversationId: 'c1' }) })]];
        case 'send_message':
          sent++;
          if (sent === 1) {
            return [
              [1, acceptedFrame(action.requestId)],
              [2, otpRequiredFrame(action.requestId, { toolId: 'transfer', availableChannels: ['email'] })],
              [3, otpSentFrame(action.requestId)],
              [4, eventualFrame(action.requestId, 'I need to verify you first.')],
            ];
          }
          return [[1, acceptedFrame(action.requestId)], [2, tokenFrame(action.requestId, 'Transferring')]];
        case 'verify_otp':
          return [[1, otpVerifiedFrame(action.requestId)]];
        case 'cancel':
          return [[1, cancelledFrame(action.requestId ?? '')]];
        default:
          return undefined;
      }
    };
    const h = harness(script, { turnTimeoutMs: 0 });
    const session = h.client.session({ agentId: 'a', userName: 'alice' });
    let stopped: boolean | undefined;
    let completed = false;
    testScheduler().run(({ flush }) => {
      session.turn('transfer 10').pipe(verifyOtp(() => of('123456'))).subscribe({ complete: () => (completed = true) });
      flush();
      expect(sends(h.sockets.sent)).toHaveLength(2);
      stopped = session.cancel();
      flush();
    });
    expect(stopped).toBe(true);
    const resent = sends(h.sockets.sent)[1];
    const cancels = h.sockets.sent.filter((a) => a.action === 'cancel');
    expect(cancels.map((a) => a.requestId)).toEqual([resent?.requestId]);
    expect(completed).toBe(true);
  });

  it('close() reaches the re-sent message as well', () => {
    let sent = 0;
    const script: Script = (action) => {
      if (action.action === 'create_conversation_session') return [[1, immediateFrame(action.requestId, 200, 'ok', { ...sessionData({ sessionId: 's1', conversationId: 'c1' }) })]];
      if (action.action === 'send_message') {
        sent++;
        return sent === 1
          ? [
              [1, acceptedFrame(action.requestId)],
              [2, otpRequiredFrame(action.requestId, { toolId: 'transfer', availableChannels: ['email'] })],
              [3, eventualFrame(action.requestId, 'verify first')],
            ]
          : [[1, acceptedFrame(action.requestId)]];
      }
      if (action.action === 'verify_otp') return [[1, otpVerifiedFrame(action.requestId)]];
      return undefined;
    };
    const h = harness(script, { turnTimeoutMs: 0 });
    const session = h.client.session({ agentId: 'a', userName: 'alice' });
    testScheduler().run(({ flush }) => {
      session.turn('transfer').pipe(verifyOtp(() => of('1'))).subscribe({ error: () => undefined });
      flush();
      session.close();
      flush();
    });
    const resent = sends(h.sockets.sent)[1];
    expect(h.sockets.sent.filter((a) => a.action === 'cancel').map((a) => a.requestId)).toEqual([resent?.requestId]);
  });

  it('cancel() on a turn waiting for its socket to open sends nothing at all', () => {
    const server = restartingServer((a) => a.action === 'send_message' && a.message === 'long');
    const h = harness(server.script, { turnTimeoutMs: 0, pool: connectionPool({ maxConnections: 2 }), connectTimeoutMs: 0 }, { autoOpen: false });
    const other = h.client.session({ agentId: 'a', userName: 'other' });
    const session = h.client.session({ agentId: 'a', userName: 'alice' });
    let completed = false;
    let stopped: boolean | undefined;
    testScheduler().run(({ flush }) => {
      other.open().subscribe();
      session.open().subscribe();
      h.sockets.current.open();
      flush();
      other.turn('long').subscribe({ error: () => undefined });
      flush();
      // The primary socket is busy: this turn goes to a second socket, whose handshake hangs.
      session.turn('waits for its socket').subscribe({ complete: () => (completed = true) });
      flush();
      expect(h.sockets.all).toHaveLength(2);
      stopped = session.cancel();
      flush();
      h.sockets.current.open();
      flush();
    });
    expect(stopped).toBe(true);
    expect(completed).toBe(true);
    expect(sends(h.sockets.sent).map((a) => a.message)).toEqual(['long']);
    expect(h.sockets.sent.filter((a) => a.action === 'cancel')).toEqual([]);
  });

  it('a resume answered with another conversation fails typed, on info$ and on every use; it never mixes the two', () => {
    let creates = 0;
    const script: Script = (action) => {
      if (action.action === 'create_conversation_session') {
        creates++;
        // The server forgot c1 and mints a fresh conversation, as reference servers do.
        const conversationId = creates === 1 ? 'c1' : 'c-fresh';
        return [[1, immediateFrame(action.requestId, 200, 'ok', { ...sessionData({ sessionId: `s${creates}`, conversationId }) })]];
      }
      if (action.action === 'send_message') return [[1, acceptedFrame(action.requestId)], [2, eventualFrame(action.requestId, 'ok')]];
      return undefined;
    };
    const h = harness(script, { retryBaseDelayMs: 10 });
    const session = h.client.session({ agentId: 'a', userName: 'alice' });
    const infos: Session[] = [];
    let infoError: unknown;
    let turnError: unknown;
    let historyError: unknown;
    testScheduler().run(({ flush }) => {
      session.info$.subscribe({ next: (s) => infos.push(s), error: (err) => (infoError = err) });
      session.turn('first').subscribe();
      flush();
      h.sockets.current.fail();
      flush();
      session.turn('second').subscribe({ error: (err) => (turnError = err) });
      flush();
      session.history().subscribe({ error: (err) => (historyError = err) });
      flush();
    });
    expect(infos.map((s) => s.conversationId)).toEqual(['c1']);
    expect(infoError).toBeInstanceOf(SmoothConversationLostError);
    expect(infoError).toMatchObject({ code: 'CONVERSATION_LOST', conversationId: 'c1', replacedBy: 'c-fresh' });
    expect(turnError).toBe(infoError);
    expect(historyError).toBe(infoError);
    expect(session.conversationId).toBe('c1');
    expect(sends(h.sockets.sent).map((a) => a.message)).toEqual(['first']);
  });
});

describe('a session the server forgot behind the handle\'s back', () => {
  /** Answers send_message with SESSION_NOT_FOUND on sessions in `forgotten`, as a restarted server does. */
  function forgetting(forgotten: Set<string>) {
    let minted = 0;
    const script: Script = (action) => {
      if (action.action === 'create_conversation_session') {
        return [[1, immediateFrame(action.requestId, 200, 'ok', { ...sessionData({ sessionId: `s${++minted}`, conversationId: 'c1' }) })]];
      }
      if (action.action === 'send_message') {
        if (forgotten.has(action.sessionId)) return [[1, errorFrame(action.requestId, 'SESSION_NOT_FOUND')]];
        return [[1, acceptedFrame(action.requestId)], [2, eventualFrame(action.requestId, `on ${action.sessionId}`)]];
      }
      return undefined;
    };
    return script;
  }

  it('a turn refused SESSION_NOT_FOUND before it started is sent once more, on a resumed session', () => {
    const h = harness(forgetting(new Set(['s1'])));
    const session = h.client.session({ agentId: 'a', userName: 'alice' });
    const events: TurnEvent[] = [];
    let failure: unknown;
    testScheduler().run(({ flush }) => {
      session.turn('hello').subscribe({ next: (e) => events.push(e), error: (err) => (failure = err) });
      flush();
    });
    expect(failure).toBeUndefined();
    expect(answers(events)).toEqual(['on s2']);
    expect(sends(h.sockets.sent).map((a) => a.sessionId)).toEqual(['s1', 's2']);
    expect(h.sockets.sent.filter((a) => a.action === 'create_conversation_session').map((a) => (a as { conversationId?: string }).conversationId)).toEqual([undefined, 'c1']);
  });

  it('only once: refused again, the turn fails with SESSION_NOT_FOUND', () => {
    const h = harness(forgetting(new Set(['s1', 's2'])));
    const session = h.client.session({ agentId: 'a', userName: 'alice' });
    let failure: unknown;
    testScheduler().run(({ flush }) => {
      session.turn('hello').subscribe({ error: (err) => (failure = err) });
      flush();
    });
    expect(failure).toMatchObject({ code: 'SESSION_NOT_FOUND' });
    expect(sends(h.sockets.sent)).toHaveLength(2);
  });

  it('a plain client.turn() refused SESSION_NOT_FOUND fails at once (it has no session to resume)', () => {
    const h = harness(forgetting(new Set(['s1'])));
    let failure: unknown;
    testScheduler().run(({ flush }) => {
      h.client.turn({ sessionId: 's1', message: 'hello' }).subscribe({ error: (err) => (failure = err) });
      flush();
    });
    expect(failure).toMatchObject({ code: 'SESSION_NOT_FOUND' });
    expect(sends(h.sockets.sent)).toHaveLength(1);
  });
});


describe('session handle and pool', () => {
  /** Sessions in c1; turns hang after a token; a cancel is confirmed only 10 frames later. */
  const slowCancel: Script = (action) => {
    switch (action.action) {
      case 'create_conversation_session':
        return [[1, immediateFrame(action.requestId, 200, 'ok', { ...sessionData({ sessionId: 's1', conversationId: 'c1' }) })]];
      case 'send_message':
        return [[1, acceptedFrame(action.requestId)], [2, tokenFrame(action.requestId, 'x')]];
      case 'cancel':
        return [[10, cancelledFrame(action.requestId ?? '')]];
      default:
        return undefined;
    }
  };

  // a handle's turns share one pool key (pool.ts: "a session handle's turns share one key"), so its next turn waits for the abandoned one's cancel on any pool size, as with one connection.
  it("with a pool, a handle's next turn waits until its abandoned turn has drained, as with one connection", () => {
    const sentAt = (maxConnections: number | undefined): string[] => {
      const h = harness(slowCancel, { ...(maxConnections !== undefined ? { pool: connectionPool({ maxConnections }) } : {}), turnTimeoutMs: 0 });
      const session = h.client.session({ agentId: 'a', userName: 'alice' });
      testScheduler().run(({ flush }) => {
        const first = session.turn('one').subscribe();
        flush();
        first.unsubscribe();
        session.turn('two').subscribe();
        flush();
      });
      return h.timedLog.filter((line) => / (send_message|cancel):/.test(line)).map((line) => line.split(':')[0] as string);
    };
    // One connection: 'two' goes out after the cancelled (t=13), not at once.
    const one = sentAt(undefined);
    expect(sentAt(1)).toEqual(one);
    expect(one).toEqual(['1 send_message', '3 cancel', '13 send_message']);
    // Two: today 'two' goes out at t=3 on a second socket while 'one' still runs on the first.
    expect(sentAt(2)).toEqual(one);
  });

  // a handle that has ended (CONVERSATION_LOST) no longer holds the connection: the idle socket closes lazily.
  it('a handle ended by a lost conversation releases its connection', () => {
    const script: Script = (action) =>
      action.action === 'create_conversation_session' ? [[1, immediateFrame(action.requestId, 200, 'ok', { ...sessionData({ sessionId: 's1', conversationId: 'c-fresh' }) })]] : undefined;
    const h = harness(script, { lazyCloseTimeoutMs: 100 });
    const session = h.client.session({ agentId: 'a', userName: 'alice', conversationId: 'c-gone' });
    let lost: unknown;
    testScheduler().run(({ flush }) => {
      session.open().subscribe({ error: (err) => (lost = err) });
      flush();
    });
    expect(lost).toBeInstanceOf(SmoothConversationLostError);
    let status = '';
    h.client.state$.subscribe((s) => (status = s.status)).unsubscribe();
    expect(status).toBe('closed');
  });
});

describe('a turn whose session is being resumed when the socket drops again', () => {
  it('waits for the next socket: nothing of it was sent, so it is not lost', () => {
    let creates = 0;
    let h: ReturnType<typeof harness> | undefined;
    const script: Script = (action) => {
      if (action.action === 'create_conversation_session') {
        creates++;
        // The second create (the resume) is cut by a drop before its answer.
        if (creates === 2) {
          asyncScheduler.schedule(() => h?.sockets.current.fail(), 1);
          return [];
        }
        return [[2, immediateFrame(action.requestId, 200, 'ok', { ...sessionData({ sessionId: `s${creates}`, conversationId: 'c1' }) })]];
      }
      if (action.action === 'send_message') return [[1, acceptedFrame(action.requestId)], [2, eventualFrame(action.requestId, `on ${action.sessionId}`)]];
      return undefined;
    };
    h = harness(script, { retryBaseDelayMs: 10, requestTimeoutMs: 0 });
    const session = h.client.session({ agentId: 'a', userName: 'alice' });
    const events: TurnEvent[] = [];
    let failure: unknown;
    testScheduler().run(({ flush }) => {
      session.open().subscribe();
      flush();
      h?.sockets.current.fail();
      flush();
      session.turn('hello').subscribe({ next: (e) => events.push(e), error: (err) => (failure = err) });
      flush();
    });
    expect(failure).toBeUndefined();
    expect(answers(events)).toEqual(['on s3']);
    expect(creates).toBe(3);
  });
});
