/**
 * A parked turn waits for its human without a timeout, and is guarded again as soon as the
 * server owes the next move (an answer or a cancel was sent) — and only then.
 */
import type { SmoothError } from '../../src/errors.js';
import { chunkFrame } from '../../src/testing/frames.js';
import { turnOf } from '../../src/turn/context.js';
import { ack, interactionInvalid, interactionRequired, ok, toolCall, writeConfirmation } from '../fixtures/events.js';
import { harness, runTurn, testScheduler } from './harness.js';

describe('the inactivity guard of a parked turn', () => {
  it('interaction_invalid parks the turn again: the human fixing the form has no timeout', () => {
    const h = harness(
      (a) => {
        if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, interactionRequired(a.requestId, 'i1')]];
        if (a.action === 'submit_interaction') return [[1, interactionInvalid(a.requestId, 'i1')]];
      },
      { turnTimeoutMs: 100 },
    );
    const outcome = runTurn(h, (e, outcome) => {
      if (e.type === 'interaction_required') turnOf(e).submitInteraction({ interactionId: 'i1', values: { email: 'x' } }).subscribe((o) => outcome.push(o.type));
    });
    expect(outcome).toEqual(['interaction_invalid']);
  });

  it('a cancel() sent inside next(ask) is guarded: unanswered, it ends the turn with TURN_TIMEOUT', () => {
    const h = harness((a) => {
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, writeConfirmation(a.requestId, 'w')]];
    }, { turnTimeoutMs: 50 });
    const outcome: string[] = [];
    testScheduler().run(({ flush }) => {
      h.client.turn({ sessionId: 's', message: 'one' }).subscribe({
        next: (e) => {
          if (e.type === 'write_confirmation_required') turnOf(e).cancel().subscribe();
        },
        error: (err: SmoothError) => outcome.push(err.code),
      });
      flush();
    });
    expect(outcome).toEqual(['TURN_TIMEOUT']);
  });

  it('a state-only stream_chunk does not unpark: no TURN_TIMEOUT while the human decides', () => {
    const h = harness((a) => {
      if (a.action === 'send_message') {
        return [[1, ack(a.requestId)], [2, writeConfirmation(a.requestId, 'w')], [3, toolCall(a.requestId, 'w', {})], [4, chunkFrame(a.requestId, 'agent', { structuredResponse: { x: 1 } })]];
      }
      if (a.action === 'confirm_tool_action') return [[1, ok(a.requestId, { approved: true })]];
    }, { turnTimeoutMs: 50 });
    const outcome: string[] = [];
    testScheduler().run(({ flush }) => {
      h.client.turn({ sessionId: 's', message: 'one' }).subscribe({ error: (err: SmoothError) => outcome.push(err.code) });
      flush();
    });
    expect(outcome).toEqual([]);
    expect(h.sentLog()).toEqual(['send_message:1']);
  });

  it('an unanswered cancel stays guarded when interaction_invalid parks the turn again', () => {
    const h = harness((a) => {
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, interactionRequired(a.requestId, 'i1')]];
      if (a.action === 'submit_interaction') return [[2, interactionInvalid(a.requestId, 'i1')]];
    }, { turnTimeoutMs: 50 });
    const outcome: string[] = [];
    testScheduler().run(({ flush }) => {
      h.client.turn({ sessionId: 's', message: 'one' }).subscribe({
        next: (e) => {
          if (e.type === 'interaction_required') {
            turnOf(e).submitInteraction({ interactionId: 'i1', values: { email: 'x' } }).subscribe();
            turnOf(e).cancel().subscribe();
          }
        },
        error: (err: SmoothError) => outcome.push(err.code),
      });
      flush();
    });
    expect(outcome).toEqual(['TURN_TIMEOUT']);
  });
});
