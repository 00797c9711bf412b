/** The chat's lines about its connection, from plain `state$` data. */
import { Subject } from 'rxjs';
import type { ConnectionState } from '../../src/client/connection.js';
import { gaveUpError, interruptedNotice, reconnectingNotice, tellConnectionStory } from '../../src/cli/connection-story.js';
import { describeFailure } from '../../src/cli/render.js';
import { SmoothConnectionLostError } from '../../src/errors.js';
import { writeConfirmationFrame } from '../../src/testing/frames.js';

describe('reconnectingNotice', () => {
  it('names the attempt and the cause; the wait only when a person would notice it', () => {
    expect(reconnectingNotice({ status: 'reconnecting', attempt: 1, delayMs: 230, closeCode: 1006, reason: undefined })).toBe('  reconnecting (attempt 1)… (connection closed 1006)');
    expect(reconnectingNotice({ status: 'reconnecting', attempt: 4, delayMs: 2600, closeCode: undefined, reason: 'connect ECONNREFUSED 127.0.0.1:8787' })).toBe(
      '  reconnecting (attempt 4)… (connect ECONNREFUSED 127.0.0.1:8787; next try in 3\u00a0s)',
    );
    expect(reconnectingNotice({ status: 'reconnecting', attempt: 2, delayMs: 10, closeCode: undefined, reason: undefined })).toBe('  reconnecting (attempt 2)…');
  });
});

describe('gaveUpError', () => {
  it('a fatal close keeps its code, so the chat hints at the token', () => {
    const lost = new SmoothConnectionLostError('CONNECTION_CLOSED', 'refused', 4003, 'forbidden', undefined, false);
    const error = gaveUpError({ code: 'CONNECTION_REFUSED', message: 'refused', retryable: false, error: lost }, 1);
    expect(describeFailure(error)).toBe('the connection closed (4003 forbidden) (CONNECTION_CLOSED) — check --token');
  });

  it('exhausted retries say how many attempts were made', () => {
    const lost = new SmoothConnectionLostError('CONNECTION_ERROR', 'unreachable', undefined, 'connect ECONNREFUSED', undefined, true);
    expect(gaveUpError({ code: 'RETRIES_EXHAUSTED', message: 'unreachable', retryable: true, error: lost }, 1).message).toBe(
      'gave up reconnecting after 1 attempt: the connection failed: connect ECONNREFUSED',
    );
  });
});

describe('interruptedNotice', () => {
  it('falls back to the error message when the loss has no close code', () => {
    const error = new SmoothConnectionLostError('CONNECTION_ERROR', 'the connection failed: no answer to a heartbeat ping within 5000 ms');
    expect(interruptedNotice(error)).toBe(
      'the connection dropped before the answer was complete (the connection failed: no answer to a heartbeat ping within 5000 ms); send your message again to go on',
    );
    expect(interruptedNotice(error.withPendingAsk(writeConfirmationFrame('rx-1', 'wipe')))).toBe(
      'the connection dropped while the agent waited for your OK to run wipe (the connection failed: no answer to a heartbeat ping within 5000 ms); send your message again to go on',
    );
  });
});

describe('tellConnectionStory', () => {
  it('one line per attempt, one when back, and the attempts made; nothing for a plain open or connecting', () => {
    const states = new Subject<ConnectionState>();
    const lines: string[] = [];
    const story = tellConnectionStory(states, { notice: (line, kind) => lines.push(`${kind}:${line}`) });
    states.next({ status: 'open' });
    states.next({ status: 'reconnecting', attempt: 1, delayMs: 100, closeCode: 1006, reason: undefined });
    states.next({ status: 'connecting', attempt: 1 });
    states.next({ status: 'open' });
    states.next({ status: 'reconnecting', attempt: 1, delayMs: 100, closeCode: 1001, reason: 'going away' });
    states.next({ status: 'connecting', attempt: 1 });
    states.next({ status: 'reconnecting', attempt: 2, delayMs: 100, closeCode: undefined, reason: 'refused' });
    states.next({ status: 'closed', why: 'retries-exhausted', closeCode: undefined, reason: 'refused' });
    expect(lines).toEqual([
      'progress:  reconnecting (attempt 1)… (connection closed 1006)',
      'last:  reconnected',
      'progress:  reconnecting (attempt 1)… (connection closed 1001 going away)',
      'progress:  reconnecting (attempt 2)… (refused)',
    ]);
    expect(story.attempts).toBe(2);
  });
});
