/**
 * Frames the client cannot use — hostile, unknown, echoing a secret — are reported on
 * diagnostics$ (bounded, redacted, never stringified) and the turn goes on.
 */
import type { Diagnostic } from '../../src/client/diagnostics.js';
import { ack, eventual, token } from '../fixtures/events.js';
import { harness, runTurn, testScheduler, types } from './harness.js';

describe('hostile frames', () => {
  const deep = (depth: number): string => `${'['.repeat(depth)}"x"${']'.repeat(depth)}`;
  it.each([
    ['an object type with a non-callable toString', '{"type":{"toString":1}}'],
    ['a type nested 10,000 arrays deep', `{"type":${deep(10_000)},"requestId":"x"}`],
    ['a type that is a Symbol-like object', '{"type":{"valueOf":1,"toString":1},"requestId":{"toString":1}}'],
  ])('%s is an invalid-frame diagnostic and the turn goes on', (_name, frame) => {
    const h = harness((a) => {
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, frame], [3, token(a.requestId, 'ok')], [4, eventual(a.requestId, 'ok')]];
    });
    const diagnostics: Diagnostic[] = [];
    h.client.diagnostics$.subscribe((d) => diagnostics.push(d));
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(h.client.turn({ sessionId: 's', message: 'hi' }))).toBe('-a-t(e|)', { a: 'immediate_response', t: 'stream_token', e: 'eventual_response' });
    });
    expect(diagnostics.map((d) => d.kind)).toEqual(['invalid-frame']);
    expect(typeof diagnostics[0]?.message).toBe('string');
  });

  it('an unknown type a megabyte long is reported with a message of bounded length (the frame keeps it whole)', () => {
    const type = 'x'.repeat(1_000_000);
    const h = harness((a) => {
      if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, { type, requestId: a.requestId }], [3, eventual(a.requestId, 'ok')]];
    });
    const diagnostics: Diagnostic[] = [];
    h.client.diagnostics$.subscribe((d) => diagnostics.push(d));
    runTurn(h, () => undefined);
    expect(diagnostics.map((d) => d.kind)).toEqual(['unknown-event-type']);
    expect(diagnostics[0]?.message.length).toBeLessThan(200);
    expect(diagnostics[0]).toMatchObject({ type });
  });
});

describe('a token echoed in bad frames', () => {
  const secret = 'S3CRET-tok';

  it('a server that echoes the token in bad frames does not get it into diagnostics$', () => {
    const h = harness(
      (a) => {
        if (a.action === 'send_message') return [[1, ack(a.requestId)], [2, `not json ${secret}`], [3, { type: `x-${secret}`, requestId: a.requestId }], [4, eventual(a.requestId, 'ok')]];
      },
      { token: secret },
    );
    const diagnostics: Diagnostic[] = [];
    h.client.diagnostics$.subscribe((d) => diagnostics.push(d));
    runTurn(h, () => undefined);
    expect(diagnostics.map((d) => d.kind)).toEqual(['unparseable-frame', 'unknown-event-type']);
    const texts = diagnostics.map((d) => `${d.message} ${d.kind === 'unparseable-frame' ? d.raw : ''}`).join(' ');
    expect(texts).not.toContain(secret);
    expect(texts).toContain('***');
  });
});
