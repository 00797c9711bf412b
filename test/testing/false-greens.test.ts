/**
 * The kit must fail a test that should fail: each case here is a test that used to pass while the
 * code under test was broken (a "false green"), and now must not. Each has a control beside it:
 * the same test, written right, passes.
 */
import { NEVER, concat, ignoreElements, mergeMap, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { answerInteractions, confirmWrites, text } from '../../operators/index.js';
import { createSmoothClient, type SmoothClient } from '../../src/client/client.js';
import { SmoothTestingController, TestingControllerError, type TestTurn } from '../../src/testing/index.js';
import { turnOf } from '../../src/turn/context.js';
import { tokenFrame } from '../../src/testing/frames.js';

/** A scheduler whose marble assertions never throw: these tests look at what the kit reports. */
const lenient = () => new TestScheduler(() => undefined);
const strict = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

let server: SmoothTestingController;
let client: SmoothClient;
beforeEach(() => {
  server = new SmoothTestingController();
  client = createSmoothClient({ url: 'ws://test/ws', webSocketImpl: server.WebSocket, turnTimeoutMs: 0 });
});
afterEach(() => client.close());

/** A write confirmation, answered by the server script as if the client had approved it. */
function scriptApprovedWrite(turn: TestTurn): void {
  turn.at(1).accept().at(2).requireConfirmation('delete_record', { args: { id: '42' } });
  server.expectConfirm({ approved: true }).at(1).ack();
  turn.at(5).toolResult('delete_record', 'deleted').at(6).respond('Deleted.');
}

describe('a parked turn answered without its confirm', () => {
  it('fails: a client that never confirms (confirmWrites(() => NEVER)) does not get the rest of the turn', () => {
    const answers: string[] = [];
    lenient().run(() => {
      client.turn({ sessionId: 's1', message: 'delete record 42' }).pipe(confirmWrites(() => NEVER), text()).subscribe({ next: (a) => answers.push(a), error: () => undefined });
      scriptApprovedWrite(server.expectTurn('delete record 42'));
    });
    expect(answers).toEqual([]);
    expect(() => server.verify()).toThrow(TestingControllerError);
    expect(() => server.verify()).toThrow(/cannot send stream_chunk: the turn is parked on write_confirmation_required \('delete_record'\) until the client's confirm_tool_action/);
    expect(() => server.verify()).toThrow(/Expectations never matched:\n {2}- expectConfirm\(\{ approved: true \}\) \(1 scheduled answer\(s\) never sent\)/);
  });

  it('control: the client that confirms gets the rest of the turn and verify() passes', () => {
    strict().run(({ expectObservable }) => {
      expectObservable(client.turn({ sessionId: 's1', message: 'delete record 42' }).pipe(confirmWrites(() => true), text())).toBe('------(a|)', { a: 'Deleted.' });
      scriptApprovedWrite(server.expectTurn('delete record 42'));
    });
    server.verify();
  });

  it('fails at once when answered now: a token for a turn parked on an interaction, before the submit was acked', () => {
    client.turn({ sessionId: 's1', message: 'quote' }).subscribe({ error: () => undefined });
    const turn = server.expectTurn('quote').accept();
    turn.requireInteraction('identity_intake', { fields: [{ key: 'email', required: true }] }, 'to send the quote');
    expect(() => turn.token('Thanks')).toThrow(/cannot send stream_token: the turn is parked on interaction_required \(identity_intake interaction-1\) until the client's submit_interaction/);
    expect(() => turn.respond('Thanks')).toThrow(/parked on interaction_required/);
    // A field error answers a submitted form: with none sent, a server may only end the turn.
    expect(() => turn.interactionInvalid([{ field: 'email', message: 'required' }])).toThrow(/cannot send interaction_invalid: it answers a form the client submitted/);
    turn.cancelled();
    server.verify();
  });

  it('fails when the confirm was sent but not acked: the turn goes on only after expectConfirm().ack()', () => {
    lenient().run(() => {
      const turn$ = client.turn({ sessionId: 's1', message: 'delete it' }).pipe(
        mergeMap((e) => (e.type === 'write_confirmation_required' ? concat(of(e), turnOf(e).confirm(true).pipe(ignoreElements())) : of(e))),
      );
      turn$.subscribe({ error: () => undefined });
      const turn = server.expectTurn('delete it');
      turn.at(1).accept().at(2).requireConfirmation('delete_record');
      server.expectConfirm().at(5).ack(); // later than the turn's next frames
      turn.at(3).toolResult('delete_record', 'deleted').at(4).respond('Deleted.');
    });
    expect(() => server.verify()).toThrow(/Scheduled answers that failed:\n {2}- expectTurn\("delete it"\): cannot send stream_chunk: the turn is parked/);
  });
});

describe('an answer acked with no park to resume', () => {
  it('fails: a confirm that reaches a turn no longer parked cannot be acked (a server answers NO_PENDING_CONFIRMATION)', () => {
    client.turn({ sessionId: 's1', message: 'delete it' }).subscribe({
      next: (e) => {
        if (e.type === 'write_confirmation_required') turnOf(e).confirm(true).subscribe({ error: () => undefined });
      },
      error: () => undefined,
    });
    const turn = server.expectTurn('delete it').accept().requireConfirmation('delete_record');
    const confirm = server.expectConfirm();
    turn.error('AGENT_ERROR'); // the server gave up on the turn before the confirm arrived
    expect(() => confirm.ack()).toThrow(/ack\(\): no turn of session s1 is parked on a write confirmation on this connection; a server answers NO_PENDING_CONFIRMATION \(error\(\)\)/);
    confirm.error('NO_PENDING_CONFIRMATION');
    server.verify();
  });

  it('fails: a submit acked for a turn that never asked', () => {
    client.turn({ sessionId: 's1', message: 'quote' }).subscribe({
      next: (e) => {
        if (e.type === 'interaction_required') turnOf(e).submitInteraction({ interactionId: e.data.data.interactionId, declined: true }).subscribe({ error: () => undefined });
      },
      error: () => undefined,
    });
    const turn = server.expectTurn('quote').accept();
    turn.requireInteraction('identity_intake', { fields: [{ key: 'email' }] });
    const submit = server.expectSubmit();
    submit.ack();
    expect(() => server.expectSubmit().ack()).toThrow(/no matching submit_interaction has been sent/);
    expect(() => submit.ack()).toThrow(/ack\(\): no turn of session s1 is parked on an interaction on this connection; a server answers NO_PENDING_INTERACTION/);
    turn.respond('ok');
  });
});

describe('frames before accept()', () => {
  it('fail: scheduled before the 202', () => {
    lenient().run(() => {
      client.turn({ sessionId: 's1', message: 'hi' }).subscribe({ error: () => undefined });
      server.expectTurn('hi').at(1).token('Hel').at(2).accept().at(3).respond('Hello');
    });
    expect(() => server.verify()).toThrow(/expectTurn\("hi"\): cannot send stream_token: the turn was not accepted: a server acks a send_message with a 202 \(accept\(\)\)/);
  });

  it('fail at once when sent now; an error may answer the send_message instead of the 202', () => {
    client.turn({ sessionId: 's1', message: 'hi' }).subscribe({ error: () => undefined });
    const turn = server.expectTurn('hi');
    expect(() => turn.respond('Hello')).toThrow(/cannot send eventual_response: the turn was not accepted/);
    expect(() => turn.requireConfirmation('x')).toThrow(/cannot send write_confirmation_required: the turn was not accepted/);
    turn.error('SESSION_NOT_FOUND');
    server.verify();
  });
});

describe('an open turn at verify(), whatever the teardown order', () => {
  const openTurn = (): void => {
    client.turn({ sessionId: 's1', message: 'hi' }).subscribe({ error: () => undefined });
    server.expectTurn('hi').accept().token('Hel');
  };

  it('fails when verify() comes first', () => {
    openTurn();
    expect(() => server.verify()).toThrow(/Turns accepted and never ended[^\n]*\n {2}- send_message/);
  });

  it('fails when client.close() comes first', () => {
    openTurn();
    client.close();
    expect(() => server.verify()).toThrow(/Turns accepted and never ended[^\n]*\n {2}- send_message/);
  });

  it('control: a turn the server side cut (drop) is not open, in either order', () => {
    openTurn();
    server.drop();
    client.close();
    server.verify();
  });
});

describe('a parked turn the client stopped instead of answering', () => {
  it('is answered by the cancel: verify() does not blame a missing confirm (the server decides how it ends)', () => {
    const subscription = client.turn({ sessionId: 's1', message: 'delete record 42' }).subscribe({ error: () => undefined });
    server.expectTurn('delete record 42').accept().requireConfirmation('delete_record');
    subscription.unsubscribe(); // sends the cancel
    server.expectCancel();
    expect(() => server.verify({ allowOpenTurns: true })).not.toThrow();
  });

  it('control: parked and neither answered nor stopped, verify() says the client never answered', () => {
    client.turn({ sessionId: 's1', message: 'delete record 42' }).subscribe({ error: () => undefined });
    server.expectTurn('delete record 42').accept().requireConfirmation('delete_record');
    expect(() => server.verify({ allowOpenTurns: true })).toThrow(/A turn is parked and the client never answered it/);
  });
});

describe('review-kit: a parked turn answered without its answer (more ways in)', () => {
  // interaction_invalid answers a submit_interaction not answered yet: with none sent, a server never sends it.
  it('fails: interaction_invalid scheduled for a turn whose client never submitted the form', () => {
    const seen: string[] = [];
    lenient().run(() => {
      client.turn({ sessionId: 's1', message: 'quote' }).pipe(answerInteractions({ identity_intake: () => NEVER })).subscribe({ next: (e) => seen.push(e.type), error: () => undefined });
      const turn = server.expectTurn('quote');
      turn.at(1).accept().at(2).requireInteraction('identity_intake', { fields: [{ key: 'email', required: true }] }, 'to send the quote');
      turn.at(3).interactionInvalid([{ field: 'email', message: 'not an email' }]); // the form "was rejected"...
      turn.at(4).error('INTERACTION_TIMEOUT');
    });
    // ...although the client never sent a submit_interaction.
    expect(server.sent.map((a) => a.action)).toEqual(['send_message']);
    expect(() => server.verify()).toThrow(/interaction_invalid/);
  });

  // A confirm sent before the ask reached the server finds nothing parked (a server answers NO_PENDING_CONFIRMATION): ack() refuses it, as it refuses a confirm sent after the turn ended.
  it('fails: a confirm the client sent before the write confirmation was asked is acked as the answer', () => {
    const answers: string[] = [];
    lenient().run(() => {
      client.turn({ sessionId: 's1', message: 'delete record 42' }).pipe(
        // A regression: confirms on the 202, before any ask.
        mergeMap((e) => (e.type === 'immediate_response' && e.status === 202 ? concat(of(e), turnOf(e).confirm(true).pipe(ignoreElements())) : of(e))),
        text(),
      ).subscribe({ next: (a) => answers.push(a), error: () => undefined });
      const turn = server.expectTurn('delete record 42');
      turn.at(1).accept().at(2).requireConfirmation('delete_record');
      server.expectConfirm({ approved: true }).at(2).ack(); // the confirm went out at frame 1, the ask at 2
      turn.at(4).toolResult('delete_record', 'deleted').at(5).respond('Deleted.');
    });
    expect(() => server.verify()).toThrow(/ack\(\): the turn of session s1 parked on a write confirmation only after this confirm_tool_action was sent/);
  });

  // A frame on the turn's requestId keeps the park rule whichever handle sends it: refused before the submit's ack.
  it("fails: a token sent through expectSubmit().emit() reaches the parked turn before the submit's ack", () => {
    const answers: string[] = [];
    lenient().run(() => {
      client.turn({ sessionId: 's1', message: 'quote' }).pipe(answerInteractions({ identity_intake: () => ({ values: { email: 'a@b.c' } }) }), text()).subscribe({ next: (a) => answers.push(a), error: () => undefined });
      const turn = server.expectTurn('quote');
      turn.at(1).accept().at(2).requireInteraction('identity_intake', { fields: [{ key: 'email', required: true }] });
      server.expectSubmit().at(1).emit((requestId) => tokenFrame(requestId, 'Hi')).at(2).ack(); // the token goes out before the ack
      turn.at(6).respond('Hi there');
    });
    expect(() => server.verify()).toThrow(/parked on interaction_required/);
  });
});

describe('review-kit: a denied write that runs', () => {
  // After the client denied the write (approved: false, acked), a server never runs the gated tool: its toolResult is isError ("Denied by human: user rejected the action"), so a test written for an approval fails on a client that denies.
  it('fails: a successful result of the gated tool after the client denied it', () => {
    const answers: string[] = [];
    lenient().run(() => {
      // A regression: the integration should approve, and denies.
      client.turn({ sessionId: 's1', message: 'delete record 42' }).pipe(confirmWrites(() => false), text()).subscribe({ next: (a) => answers.push(a), error: () => undefined });
      const turn = server.expectTurn('delete record 42');
      turn.at(1).accept().at(2).requireConfirmation('delete_record', { args: { id: '42' } });
      server.expectConfirm().at(1).ack(); // no matcher: the test trusts the server to keep the rule
      turn.at(5).toolResult('delete_record', 'deleted').at(6).respond('Deleted.');
    });
    expect(() => server.verify()).toThrow(/cannot send stream_chunk: the client denied 'delete_record'/);
  });
});
