import { DEMO_KNOWLEDGE, DEMO_MESSAGES, DEMO_SCRIPT, demoServerOptions } from '../../src/cli/demo.js';
import { retrieve } from '../../src/testing/mock-server/knowledge.js';

describe('demo script', () => {
  it('has the model outputs for every demo message: a text answer closes each turn', () => {
    const turns = DEMO_SCRIPT.filter((output) => output.kind === 'text').length;
    expect(turns).toBe(DEMO_MESSAGES.length);
    expect(DEMO_SCRIPT[DEMO_SCRIPT.length - 1]?.kind).toBe('text');
  });

  it('covers a tool, a write confirmation, an identity form, choices and streaming', () => {
    const calls = DEMO_SCRIPT.flatMap((output) => (output.kind === 'toolCall' ? [output.name] : []));
    expect(calls).toEqual(['lookup_order', 'cancel_order', 'request_identity_intake', 'request_choices']);
    const options = demoServerOptions();
    expect(options.confirmTools).toEqual(['cancel_order']);
    expect(options.tokenDelayMs).toBeGreaterThan(0);
    expect(demoServerOptions({ tokenDelayMs: 0 }).tokenDelayMs).toBe(0);
  });

  it('cites sources (score above 0) only for the last message, the policy question', () => {
    const relevant = DEMO_MESSAGES.map((message) => retrieve(DEMO_KNOWLEDGE, message).filter((c) => (c.score ?? 0) > 0).length);
    expect(relevant).toEqual([0, 0, 0, 0, 0, 2]);
  });
});
