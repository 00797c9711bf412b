/**
 * Answering a parked turn (`confirm()`, `submitInteraction()`): answers the server never
 * acknowledges, answers around an abandoned or timed-out turn, and answers the server refuses —
 * each settled once, and the turn's fate decided by the turn, not by the answer.
 */
import { map } from 'rxjs';
import type { SmoothError } from '../../src/errors.js';
import { turnOf } from '../../src/turn/context.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import { ack, cancelled, error, eventual, interactionRequired, token, writeConfirmation } from '../fixtures/events.js';
import { harness, runTurn, short, testScheduler, types } from './harness.js';

describe('an answer the server never acknowledges', () => {
  it('an unanswered confirm() guards the parked turn again: it ends with TURN_TIMEOUT, and the next turn runs', () => {
    const h = harness(
      (a) => {
        if (a.action === 'send_message' && short(a.requestId) === '1') return [[1, ack(a.requestId)], [2, writeConfirmation(a.requestId, 'w')]];
        if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, eventual(a.requestId, 'two')]];
        if (a.action === 'cancel') return [[1, cancelled(a.requestId)]];
      },
      { turnTimeoutMs: 100, requestTimeoutMs: 20 },
    );
    const outcome: string[] = [];
    testScheduler().run(({ expectObservable, flush }) => {
      h.client.turn({ sessionId: 's', message: 'one' }).subscribe({
        next: (e) => {
          if (e.type === 'write_confirmation_required') turnOf(e).confirm(true).subscribe({ error: (err: SmoothError) => outcome.push(`confirm ${err.code}`) });
        },
        error: (err: SmoothError) => outcome.push(`turn ${err.code}`),
      });
      // long after the human answered, nothing came: the turn's guard fires
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'two' }))).toBe(`${'-'.repeat(104)}a(e|)`, { a: 'immediate_response', e: 'eventual_response' });
      flush();
    });
    expect(outcome).toEqual(['confirm REQUEST_TIMEOUT', 'turn TURN_TIMEOUT']);
  });

  it('an unanswered submitInteraction() guards the parked turn again', () => {
    const h = harness(
      (a) => {
        if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, interactionRequired(a.requestId, 'i1')]];
      },
      { turnTimeoutMs: 100, requestTimeoutMs: 0 },
    );
    const outcome = runTurn(h, (e, outcome) => {
      if (e.type === 'interaction_required') turnOf(e).submitInteraction({ interactionId: 'i1', values: { email: 'a@b.c' } }).subscribe({ error: (err: SmoothError) => outcome.push(`submit ${err.code}`) });
    });
    expect(outcome).toEqual(['submit TURN_TIMEOUT', 'turn TURN_TIMEOUT']);
    expect(h.sentLog()).toEqual(['send_message:1', 'submit_interaction:1', 'cancel:1']);
  });

  it('a confirm still unanswered when the turn times out is settled with the timeout', () => {
    const h = harness((a) => {
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, writeConfirmation(a.requestId, 'w')]];
    }, { turnTimeoutMs: 50, requestTimeoutMs: 0 });
    const outcome = runTurn(h, (e, outcome) => {
      if (e.type === 'write_confirmation_required') turnOf(e).confirm(true).subscribe({ error: (err: SmoothError) => outcome.push(`confirm ${err.code}`) });
    });
    expect(outcome).toEqual(['confirm TURN_TIMEOUT', 'turn TURN_TIMEOUT']);
  });
});

describe('answers around an abandoned or timed-out turn', () => {
  it('a resume error while draining belongs to the resume: the slot is held until cancelled', () => {
    const h = harness((a) => {
      if (a.action === 'send_message' && short(a.requestId) === '1') return [[1, ack(a.requestId)], [2, interactionRequired(a.requestId, 'i1')]];
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, eventual(a.requestId, 'two')]];
      if (a.action === 'submit_interaction') return [[3, error(a.requestId, 'INTERACTION_MISMATCH')]];
      if (a.action === 'cancel') return [[6, cancelled(a.requestId)]];
    });
    const outcome: string[] = [];
    testScheduler().run(({ cold, flush }) => {
      const first = h.client.turn({ sessionId: 's', message: 'one' }).subscribe({
        next: (e) => {
          if (e.type === 'interaction_required') turnOf(e).submitInteraction({ interactionId: 'stale', values: {} }).subscribe({ error: (err: SmoothError) => outcome.push(`submit ${err.code}`) });
        },
      });
      cold('----x').subscribe(() => first.unsubscribe());
      h.client.turn({ sessionId: 's', message: 'two' }).subscribe({ error: (err: SmoothError) => outcome.push(`two ${err.code}`), complete: () => outcome.push('two done') });
      flush();
    });
    // submit at 2, abandoned (cancel) at 4, mismatch at 5, cancelled at 10: only then the next turn
    expect(h.timedLog).toEqual(['0 send_message:1', '2 submit_interaction:1', '4 cancel:1', '10 send_message:2']);
    expect(outcome).toEqual(['submit TURN_ENDED', 'two done']);
  });

  it('a submit pending when its turn is abandoned is settled, even without a request timeout', () => {
    const h = harness(
      (a) => {
        if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, interactionRequired(a.requestId, 'i1')]];
        if (a.action === 'cancel') return [[1, cancelled(a.requestId)]];
      },
      { requestTimeoutMs: 0 },
    );
    const outcome: string[] = [];
    testScheduler().run(({ cold, flush }) => {
      const turn = h.client.turn({ sessionId: 's', message: 'one' }).subscribe({
        next: (e) => {
          if (e.type === 'interaction_required') {
            turnOf(e).submitInteraction({ interactionId: 'i1', values: {} }).subscribe({ error: (err: SmoothError) => outcome.push(`submit ${err.code}`), complete: () => outcome.push('submit complete') });
            turnOf(e).confirm(true).subscribe({ error: (err: SmoothError) => outcome.push(`confirm ${err.code}`), complete: () => outcome.push('confirm complete') });
          }
        },
      });
      cold('-----x').subscribe(() => turn.unsubscribe());
      flush();
    });
    expect(outcome).toEqual(['submit TURN_ENDED', 'confirm TURN_ENDED']);
  });

  it('a resume error while draining after a timeout belongs to the resume: the slot is held until cancelled', () => {
    const h = harness((a) => {
      if (a.action === 'send_message' && short(a.requestId) === '1') return [[1, ack(a.requestId)], [2, interactionRequired(a.requestId, 'i1')]];
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, eventual(a.requestId, 'two')]];
      if (a.action === 'submit_interaction') return [[60, error(a.requestId, 'INTERACTION_MISMATCH')]];
      if (a.action === 'cancel') return [[20, cancelled(a.requestId)]];
    }, { turnTimeoutMs: 50, requestTimeoutMs: 0 });
    testScheduler().run(({ flush }) => {
      h.client.turn({ sessionId: 's', message: 'one' }).subscribe({
        next: (e) => {
          if (e.type === 'interaction_required') turnOf(e).submitInteraction({ interactionId: 'stale', values: {} }).subscribe({ error: () => undefined });
        },
        error: () => undefined,
      });
      h.client.turn({ sessionId: 's', message: 'two' }).subscribe({ error: () => undefined });
      flush();
    });
    // submit at 2 re-arms the guard: timeout at 52 (cancel), mismatch at 62, cancelled at 72
    expect(h.timedLog).toEqual(['0 send_message:1', '2 submit_interaction:1', '52 cancel:1', '72 send_message:2']);
  });
});

describe('an answer the server refuses', () => {
  it('a confirm refused while still parked parks the turn again: no timeout while the human retries', () => {
    const h = harness((a) => {
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, writeConfirmation(a.requestId, 'w')]];
      if (a.action === 'confirm_tool_action') return [[1, error(a.requestId, 'VALIDATION_ERROR')]];
    }, { turnTimeoutMs: 50 });
    const outcome = runTurn(h, (e, outcome) => {
      if (e.type === 'write_confirmation_required') turnOf(e).confirm(true).subscribe({ error: (err: SmoothError) => outcome.push(`confirm ${err.code}`) });
    });
    expect(outcome).toEqual(['confirm VALIDATION_ERROR']);
  });

  it('fails only that resume, is reported as moot-answer, and the turn goes on', () => {
    const h = harness((a) => {
      if (a.action === 'send_message') {
        return [[1, ack(a.requestId)], [2, interactionRequired(a.requestId, 'i1')], [4, token(a.requestId, 'on')], [6, eventual(a.requestId, 'on')]];
      }
      if (a.action === 'submit_interaction') return [[2, error(a.requestId, 'NO_PENDING_INTERACTION')]];
    });
    const outcome: string[] = [];
    h.client.diagnostics$.subscribe((d) => outcome.push(d.kind));
    testScheduler().run(({ expectObservable, cold }) => {
      let ask: TurnEvent | undefined;
      const turn$ = h.client.turn({ sessionId: 's', message: 'one' });
      expectObservable(types(turn$.pipe(map((e) => ((ask ??= e.type === 'interaction_required' ? e : undefined), e))))).toBe('-ai-t-(e|)', {
        a: 'immediate_response',
        i: 'interaction_required',
        t: 'stream_token',
        e: 'eventual_response',
      });
      // the human answers at 3; the server had resumed by itself (token at 4) when the answer arrives
      cold('---x').subscribe(() => {
        if (ask) turnOf(ask).submitInteraction({ interactionId: 'i1', values: {} }).subscribe({ error: (err: SmoothError) => outcome.push(`submit ${err.code}`) });
      });
    });
    expect(outcome).toEqual(['moot-answer', 'submit NO_PENDING_INTERACTION']);
  });

  it('does not park the turn again: it stays guarded by its inactivity timeout', () => {
    const h = harness(
      (a) => {
        if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, interactionRequired(a.requestId, 'i1')], [4, token(a.requestId, 'on')]];
        if (a.action === 'submit_interaction') return [[2, error(a.requestId, 'NO_PENDING_INTERACTION')]];
      },
      { turnTimeoutMs: 50 },
    );
    const outcome: string[] = [];
    testScheduler().run(({ cold, flush }) => {
      let ask: TurnEvent | undefined;
      h.client.turn({ sessionId: 's', message: 'one' }).subscribe({
        next: (e) => (ask ??= e.type === 'interaction_required' ? e : undefined),
        error: (err: SmoothError) => outcome.push(`turn ${err.code}`),
      });
      cold('---x').subscribe(() => {
        if (ask) turnOf(ask).submitInteraction({ interactionId: 'i1', values: {} }).subscribe({ error: (err: SmoothError) => outcome.push(`submit ${err.code}`) });
      });
      flush();
    });
    expect(outcome).toEqual(['submit NO_PENDING_INTERACTION', 'turn TURN_TIMEOUT']);
  });

  it('fails only that answer and is not reported as moot: the answer itself was wrong', () => {
    const h = harness((a) => {
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, interactionRequired(a.requestId, 'i1')], [4, token(a.requestId, 'on')], [9, eventual(a.requestId, 'on')]];
      if (a.action === 'submit_interaction') return [[2, error(a.requestId, 'VALIDATION_ERROR')]];
    });
    const outcome: string[] = [];
    h.client.diagnostics$.subscribe((d) => outcome.push(d.kind));
    const turn = runTurn(h, (e) => {
      if (e.type === 'stream_token') turnOf(e).submitInteraction({ interactionId: 'i1', values: {} }).subscribe({ error: (err: SmoothError) => outcome.push(`submit ${err.code}`) });
    });
    expect([...outcome, ...turn]).toEqual(['submit VALIDATION_ERROR']);
  });
});
