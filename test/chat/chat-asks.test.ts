import type { ClientAction } from '../../src/generated/types.js';
import type { ChatAnswerOutcome, ChatAssistantMessage, ChatConfirmAsk, ChatIdentityAsk, ChatOtpAsk } from '../../src/chat/types.js';
import {
  acceptedFrame,
  errorFrame,
  eventualFrame,
  immediateFrame,
  interactionInvalidFrame,
  interactionRequiredFrame,
  otpInvalidFrame,
  otpRequiredFrame,
  otpSentFrame,
  otpVerifiedFrame,
  tokenFrame,
  toolCallFrame,
  toolResultFrame,
  writeConfirmationFrame,
} from '../../src/testing/frames.js';
import type { Reply } from '../client/harness.js';
import { testScheduler } from '../client/harness.js';
import { chatHarness, chatServer, echo, lastAssistant, textOf } from './support.js';

/** A write confirmation: parks, and resumes on the confirm with a denied or executed tool. */
function confirmServer() {
  let turn = '';
  return chatServer({
    turn: (id) => {
      turn = id;
      return [[1, acceptedFrame(id)], [2, writeConfirmationFrame(id, 'cancel_order')], [3, toolCallFrame(id, 'cancel_order', { id: 12 })]];
    },
    other: (action: ClientAction): readonly Reply[] | undefined => {
      if (action.action !== 'confirm_tool_action') return undefined;
      const result = action.approved ? toolResultFrame(turn, 'cancel_order', 'cancelled') : toolResultFrame(turn, 'cancel_order', 'Denied by human: user rejected the action', true);
      return [
        [1, immediateFrame(action.requestId, 200, 'ok', { sessionId: action.sessionId, approved: action.approved })],
        [2, result],
        [3, tokenFrame(turn, action.approved ? 'Done.' : 'Left as it is.')],
        [4, eventualFrame(turn, action.approved ? 'Done.' : 'Left as it is.')],
      ];
    },
  });
}

/**
 * A turn that parks on an identity form asking for an email (interaction `i1`); `onSubmit` answers
 * each `submit_interaction` (`n` counts them from 1) with frames on the turn's requestId.
 */
function formServer(onSubmit: (turn: string, values: { email?: string }, n: number) => readonly Reply[], reason?: string) {
  let turn = '';
  let submits = 0;
  return chatServer({
    turn: (id) => {
      turn = id;
      return [[1, acceptedFrame(id)], [2, interactionRequiredFrame(id, { interactionId: 'i1', kind: 'identity_intake', spec: { fields: [{ key: 'email', required: true }] }, ...(reason !== undefined ? { reason } : {}) })]];
    },
    other: (action) => (action.action === 'submit_interaction' ? onSubmit(turn, (action.values ?? {}) as { email?: string }, ++submits) : undefined),
  });
}
const notAnEmail = (turn: string): readonly Reply[] => [[1, interactionInvalidFrame(turn, 'i1', 'identity_intake', [{ field: 'email', message: 'not an email' }])]];
const formAccepted = (turn: string): readonly Reply[] => [[1, immediateFrame(turn, 200, 'Interaction submitted', {})], [2, tokenFrame(turn, 'Thanks')], [3, eventualFrame(turn, 'Thanks')]];

const outcomes = (source: { subscribe(o: (v: ChatAnswerOutcome) => void): unknown }) => {
  const seen: ChatAnswerOutcome[] = [];
  source.subscribe((v) => seen.push(v));
  return seen;
};

describe('chat: asks', () => {
  it('a write confirmation is the pending ask; answering it resumes the turn and marks it answered', () => {
    testScheduler().run(({ flush }) => {
      const h = chatHarness(confirmServer());
      h.chat.send('cancel order 12');
      flush();
      const ask = h.chat.state.pendingAsk as ChatConfirmAsk;
      expect(ask).toMatchObject({ type: 'confirm', toolId: 'cancel_order', status: 'pending' });
      expect(h.chat.state.status).toBe('awaiting-human');
      expect(lastAssistant(h.chat.state)).toMatchObject({ status: 'awaiting-human', ask: { id: ask.id } });
      const seen = outcomes(h.chat.answer(ask, true));
      flush();
      expect(seen).toEqual([{ status: 'accepted' }]);
      expect(h.chat.state.pendingAsk).toBeUndefined();
      const answer = lastAssistant(h.chat.state) as ChatAssistantMessage;
      expect(answer).toMatchObject({ status: 'complete', ask: { id: ask.id, status: 'answered' } });
      expect(answer.parts.find((p) => p.type === 'tool')).toMatchObject({ status: 'succeeded' });
      expect(textOf(answer)).toBe('Done.');
    });
  });

  it('a second answer to the same ask sends nothing and returns the first outcome', () => {
    testScheduler().run(({ flush }) => {
      const h = chatHarness(confirmServer());
      h.chat.send('cancel order 12');
      flush();
      const ask = h.chat.state.pendingAsk as ChatConfirmAsk;
      const first = h.chat.answer(ask, true);
      const second = h.chat.answer(ask, false);
      flush();
      expect(second).toBe(first);
      expect(h.sentLog().filter((a) => a.startsWith('confirm_tool_action'))).toHaveLength(1);
      expect(outcomes(h.chat.answer(ask, false))).toEqual([{ status: 'accepted' }]);
    });
  });

  it('decline() denies a write: the ask is declined, the tool failed, the answer says so', () => {
    testScheduler().run(({ flush }) => {
      const h = chatHarness(confirmServer());
      h.chat.send('cancel order 12');
      flush();
      const ask = h.chat.state.pendingAsk as ChatConfirmAsk;
      expect(outcomes(h.chat.decline(ask))).toEqual([]);
      flush();
      const confirm = h.sockets.sent.find((a) => a.action === 'confirm_tool_action');
      expect(confirm).toMatchObject({ approved: false });
      const answer = lastAssistant(h.chat.state) as ChatAssistantMessage;
      expect(answer.ask).toMatchObject({ status: 'declined' });
      expect(answer.parts.find((p) => p.type === 'tool')).toMatchObject({ status: 'failed' });
      expect(textOf(answer)).toBe('Left as it is.');
    });
  });

  it('a form with server field errors stays pending with the errors; corrected values resume the turn', () => {
    const server = formServer((turn, values) => ((values.email ?? '').includes('@') ? formAccepted(turn) : notAnEmail(turn)), 'To find your order');
    testScheduler().run(({ flush }) => {
      const h = chatHarness(server, { supports: ['identity_form'] });
      h.chat.send('find my order');
      flush();
      const ask = h.chat.state.pendingAsk as ChatIdentityAsk;
      expect(ask).toMatchObject({ type: 'identity_intake', reason: 'To find your order', spec: { fields: [{ key: 'email' }] } });
      const bad = outcomes(h.chat.answer(ask, { email: 'nope' }));
      flush();
      expect(bad).toEqual([{ status: 'invalid', errors: [{ field: 'email', message: 'not an email' }], message: 'Some fields need attention.', attemptsRemaining: undefined }]);
      expect(h.chat.state.pendingAsk).toMatchObject({ id: ask.id, status: 'pending', errors: [{ field: 'email' }] });
      expect(h.chat.state.status).toBe('awaiting-human');
      const good = outcomes(h.chat.answer(ask, { email: 'a@b.c' }));
      flush();
      expect(good).toEqual([{ status: 'accepted' }]);
      expect(h.sockets.sent.filter((a) => a.action === 'submit_interaction')).toHaveLength(2);
      expect(lastAssistant(h.chat.state)).toMatchObject({ status: 'complete', ask: { status: 'answered' } });
    });
  });

  it('a one-time code: a wrong code is invalid with the attempts left; the right one re-sends the message as a new answer', () => {
    let sends = 0;
    let verifies = 0;
    const server = chatServer({
      turn: (id) => {
        sends++;
        if (sends === 1) return [[1, acceptedFrame(id)], [2, otpRequiredFrame(id, { toolId: 'transfer' })], [3, otpSentFrame(id, 'email', 'a***@b.c')], [4, eventualFrame(id, 'I need to verify you first.')]];
        return [[1, acceptedFrame(id)], [2, tokenFrame(id, 'Transferred.')], [3, eventualFrame(id, 'Transferred.')]];
      },
      other: (action) => {
        if (action.action !== 'verify_otp') return undefined;
        verifies++;
        return [[1, verifies === 1 ? otpInvalidFrame(action.requestId, 2) : otpVerifiedFrame(action.requestId)]];
      },
    });
    testScheduler().run(({ flush }) => {
      const h = chatHarness(server);
      const user = h.chat.send('transfer 10');
      flush();
      const ask = h.chat.state.pendingAsk as ChatOtpAsk;
      expect(ask).toMatchObject({ type: 'otp', toolId: 'transfer', sent: { maskedDestination: 'a***@b.c' }, status: 'pending' });
      // The refused turn has ended; the code is still asked for.
      expect(lastAssistant(h.chat.state)?.status).toBe('complete');
      expect(h.chat.state.status).toBe('awaiting-human');
      const wrong = outcomes(h.chat.answer(ask, '000000'));
      flush();
      expect(wrong).toEqual([{ status: 'invalid', errors: [], message: expect.any(String), attemptsRemaining: 2 }]);
      // The ask itself says so too (the turn has ended: no event of it carries the answer).
      expect(h.chat.state.pendingAsk).toMatchObject({ id: ask.id, status: 'pending', invalid: { attemptsRemaining: 2 } });
      const right = outcomes(h.chat.answer(ask, '123456'));
      flush();
      expect(right).toEqual([{ status: 'accepted' }]);
      const messages = h.chat.state.messages;
      expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'assistant']);
      expect(messages[1]).toMatchObject({ ask: { status: 'answered' } });
      expect(messages[2]).toMatchObject({ replyTo: user.id, status: 'complete' });
      expect(textOf(messages[2] as ChatAssistantMessage)).toBe('Transferred.');
      expect(h.chat.state.pendingAsk).toBeUndefined();
      expect(h.chat.state.status).toBe('idle');
    });
  });

  it('an answer to an ask that is over is refused without sending anything', () => {
    testScheduler().run(({ flush }) => {
      const h = chatHarness(confirmServer());
      h.chat.send('cancel order 12');
      flush();
      const ask = h.chat.state.pendingAsk as ChatConfirmAsk;
      h.chat.stop();
      flush();
      expect(lastAssistant(h.chat.state)).toMatchObject({ status: 'cancelled', ask: { status: 'interrupted' } });
      expect(h.chat.state.pendingAsk).toBeUndefined();
      expect(outcomes(h.chat.answer(ask, true))).toEqual([{ status: 'refused', fault: expect.objectContaining({ code: 'ASK_CLOSED' }) }]);
      expect(h.sockets.sent.filter((a) => a.action === 'confirm_tool_action')).toHaveLength(0);
    });
  });


  /** The first message gets a code (its turn ends); verify_otp is answered `verified` after `verifyDelay` frames; the re-send is echoed. */
  function otpServer(verifyDelay = 1) {
    let sends = 0;
    return chatServer({
      turn: (id, message, action) => {
        if (++sends === 1) return [[1, acceptedFrame(id)], [2, otpRequiredFrame(id, { toolId: 'transfer' })], [3, otpSentFrame(id, 'email', 'a***@b.c')], [4, eventualFrame(id, 'I need to verify you first.')]];
        return echo(id, message, action);
      },
      other: (action) => (action.action === 'verify_otp' ? [[verifyDelay, otpVerifiedFrame(action.requestId)]] : undefined),
    });
  }

  // A code belongs to the session that asked for it, which a resume replaces: the drop interrupts
  // the ask (no verify_otp on a stale sessionId), and retry() sends the message again.
  it('a code ask is interrupted by a drop: nothing goes out on the stale session, retry() asks anew', () => {
    testScheduler().run(({ flush }) => {
      const h = chatHarness(otpServer());
      h.chat.send('transfer 10');
      flush();
      const ask = h.chat.state.pendingAsk as ChatOtpAsk;
      h.sockets.current.fail();
      flush();
      expect(h.chat.state.pendingAsk).toBeUndefined();
      expect(lastAssistant(h.chat.state)?.ask).toMatchObject({ id: ask.id, status: 'interrupted' });
      let outcome = '';
      h.chat.answer(ask, '123456').subscribe((o) => (outcome = o.status));
      flush();
      expect(outcome).toBe('refused');
      expect(h.sockets.sent.filter((a) => a.action === 'verify_otp')).toEqual([]);
      expect(h.chat.retry(lastAssistant(h.chat.state) as ChatAssistantMessage)).toBe(true);
      flush();
      const sends = h.sockets.sent.filter((a) => a.action === 'send_message') as Array<{ sessionId: string }>;
      expect(sends.map((a) => a.sessionId)).toEqual(['s1', 's2']);
    });
  });

  // newConversation() drops the old conversation's verification; its message is never re-sent into the new conversation.
  it('newConversation() while a code is being verified: the old message is not re-sent into the new conversation', () => {
    testScheduler().run(({ flush }) => {
      const h = chatHarness(otpServer(5));
      h.chat.send('transfer 10');
      flush();
      h.chat.answer(h.chat.state.pendingAsk as ChatOtpAsk, '123456');
      h.chat.newConversation();
      flush();
      expect(h.sockets.sent.filter((a) => a.action === 'send_message')).toHaveLength(1);
      expect(h.chat.state.messages).toEqual([]);
    });
  });

  // A wrong code whose otp_invalid arrives after newConversation() puts the old ask back as
  // pending (ChatAsks.respond's 'invalid' branch): the new, empty conversation then shows another
  // conversation's code ask as its pendingAsk, and answering it sends verify_otp on the old
  // session. Not from the asks.ts split: 83d7a0f's respond() did the same.
  it('newConversation() while a wrong code is being verified: the old ask does not come back as pending', () => {
    testScheduler().run(({ flush }) => {
      let sends = 0;
      const h = chatHarness(
        chatServer({
          turn: (id, message, action) =>
            ++sends === 1 ? [[1, acceptedFrame(id)], [2, otpRequiredFrame(id, { toolId: 'transfer' })], [3, otpSentFrame(id, 'email', 'a***@b.c')], [4, eventualFrame(id, 'verify first')]] : echo(id, message, action),
          other: (action) => (action.action === 'verify_otp' ? [[5, otpInvalidFrame(action.requestId, 2)]] : undefined),
        }),
      );
      h.chat.send('transfer 10');
      flush();
      h.chat.answer(h.chat.state.pendingAsk as ChatOtpAsk, '000000');
      h.chat.newConversation();
      flush();
      expect(h.chat.state.messages).toEqual([]);
      expect(h.chat.state.pendingAsk).toBeUndefined();
      expect(h.chat.state.status).toBe('idle');
    });
  });

  // while the code is verified (and its message about to be re-sent) the chat is busy ('submitted'), not 'idle'.
  it('while a code is being verified the chat is not idle', () => {
    testScheduler().run(({ flush }) => {
      const h = chatHarness(otpServer(5));
      h.chat.send('transfer 10');
      flush();
      h.chat.answer(h.chat.state.pendingAsk as ChatOtpAsk, '123456');
      expect(h.chat.state.status).not.toBe('idle');
    });
  });

  // stop() while the code is verified stops the re-send that waits on it (returns true, no send_message follows).
  it('stop() while a code is being verified stops the re-send', () => {
    testScheduler().run(({ flush }) => {
      const h = chatHarness(otpServer(5));
      h.chat.send('transfer 10');
      flush();
      h.chat.answer(h.chat.state.pendingAsk as ChatOtpAsk, '123456');
      expect(h.chat.stop()).toBe(true);
      flush();
      expect(h.sockets.sent.filter((a) => a.action === 'send_message')).toHaveLength(1);
    });
  });

  // a new message streams as 'streaming' even while an older code ask is left unanswered.
  it("a code left unanswered does not hide the next message's streaming status", () => {
    let sends = 0;
    const server = chatServer({
      turn: (id) => (++sends === 1 ? [[1, acceptedFrame(id)], [2, otpRequiredFrame(id, { toolId: 'transfer' })], [3, eventualFrame(id, 'verify first')]] : [[1, acceptedFrame(id)], [2, tokenFrame(id, 'a long answer...')]]),
    });
    testScheduler().run(({ flush }) => {
      const h = chatHarness(server);
      h.chat.send('transfer 10');
      flush();
      h.chat.send('never mind, what is my balance?');
      flush();
      expect(lastAssistant(h.chat.state)?.status).toBe('streaming');
      expect(h.chat.state.status).toBe('streaming');
    });
  });

  // INTERACTION_MISMATCH leaves the turn parked (PROTOCOL: "turn stays parked, resubmit"): the ask stays pending and a second answer is sent.
  it('an answer refused while the turn stays parked (INTERACTION_MISMATCH) can be given again; no spinner left running', () => {
    const server = formServer((turn, _values, n) => (n === 1 ? [[1, errorFrame(turn, 'INTERACTION_MISMATCH')]] : formAccepted(turn)), 'r');
    testScheduler().run(({ flush }) => {
      const h = chatHarness(server, { supports: ['identity_form'] });
      h.chat.send('find my order');
      flush();
      const ask = h.chat.state.pendingAsk as ChatIdentityAsk;
      outcomes(h.chat.answer(ask, { email: 'a@b.c' }));
      flush();
      expect(h.chat.state.status).toBe('awaiting-human');
      expect(h.chat.state.pendingAsk).toMatchObject({ id: ask.id, status: 'pending' });
      // A second answer is sent, and resumes the turn.
      const again = outcomes(h.chat.answer(ask, { email: 'a@b.c' }));
      flush();
      expect(h.sockets.sent.filter((a) => a.action === 'submit_interaction')).toHaveLength(2);
      expect(again).toEqual([{ status: 'accepted' }]);
      expect(lastAssistant(h.chat.state)?.status).toBe('complete');
    });
  });

  // after an 'invalid' outcome the message waits for the user again ('awaiting-human'), in agreement with its pending ask.
  it('after rejected form values the message is awaiting-human again, not streaming', () => {
    const server = formServer(notAnEmail, 'r');
    testScheduler().run(({ flush }) => {
      const h = chatHarness(server, { supports: ['identity_form'] });
      h.chat.send('find my order');
      flush();
      h.chat.answer(h.chat.state.pendingAsk as ChatIdentityAsk, { email: 'nope' });
      flush();
      expect(lastAssistant(h.chat.state)?.ask?.status).toBe('pending');
      expect(lastAssistant(h.chat.state)?.status).toBe('awaiting-human');
    });
  });

  // a drop while the answer is on its way interrupts the ask (README: "its pending ask interrupted too"); the server refused nothing.
  it('a drop while a confirmation is on its way: the ask ends interrupted, not refused', () => {
    const server = chatServer({ turn: (id) => [[1, acceptedFrame(id)], [2, writeConfirmationFrame(id, 'cancel_order')]], other: (a) => (a.action === 'confirm_tool_action' ? [] : undefined) });
    testScheduler().run(({ flush }) => {
      const h = chatHarness(server);
      h.chat.send('cancel order 12');
      flush();
      h.chat.answer(h.chat.state.pendingAsk as ChatConfirmAsk, true);
      flush();
      h.sockets.current.fail();
      flush();
      expect(lastAssistant(h.chat.state)).toMatchObject({ status: 'interrupted', ask: { status: 'interrupted' } });
    });
  });

  // the state agrees with itself: an ask still 'pending' in messages is the pendingAsk (or the older code ask ends when a newer one replaces it).
  it('two code asks: once the newer is verified, no message is left with a pending ask that pendingAsk does not show', () => {
    let sends = 0;
    const server = chatServer({
      turn: (id, message, action) => {
        sends++;
        if (sends <= 2) return [[1, acceptedFrame(id)], [2, otpRequiredFrame(id, { toolId: 'transfer' })], [3, eventualFrame(id, 'verify first')]];
        return echo(id, message, action);
      },
    });
    testScheduler().run(({ flush }) => {
      const h = chatHarness(server);
      h.chat.send('transfer 10');
      flush();
      h.chat.send('transfer 20');
      flush();
      h.chat.answer(h.chat.state.pendingAsk as ChatOtpAsk, '123456');
      flush();
      const pendingInMessages = h.chat.state.messages.filter((m) => m.role === 'assistant' && m.ask?.status === 'pending').map((m) => (m as ChatAssistantMessage).ask?.id);
      expect(pendingInMessages).toEqual(h.chat.state.pendingAsk === undefined ? [] : [h.chat.state.pendingAsk.id]);
    });
  });

});

describe('chat: an answer and the state it leads to', () => {
  it('whoever reads chat.state on the outcome sees what it led to (a rejected form pending again, with its errors)', () => {
    const server = formServer(notAnEmail);
    testScheduler().run(({ flush }) => {
      const h = chatHarness(server, { supports: ['identity_form'] });
      h.chat.send('find my order');
      flush();
      const ask = h.chat.state.pendingAsk as ChatIdentityAsk;
      let seen: unknown;
      h.chat.answer(ask, { email: 'nope' }).subscribe(() => (seen = h.chat.state.pendingAsk));
      flush();
      expect(seen).toMatchObject({ id: ask.id, status: 'pending', errors: [{ field: 'email', message: 'not an email' }] });
    });
  });
});
