import fc from 'fast-check';
import { validateAction, validateEvent, validateWith } from '../../src/validation/validate.js';
import { objectValidators } from '../../src/generated/validators/index.js';
import { CLIENT_ACTION_NAMES, SERVER_EVENT_TYPES } from '../../src/generated/types.js';
import { actionCases, eventCases, type FrameCase } from '../fixtures/frames.js';

function expectVerdict(result: ReturnType<typeof validateEvent> | ReturnType<typeof validateAction>, c: FrameCase): void {
  if (c.expect === 'valid') {
    expect(result).toEqual({ valid: true, value: c.frame });
    if (result.valid) expect(result.value).toBe(c.frame); // validated in place, never copied
    return;
  }
  expect(result.valid).toBe(false);
  if (result.valid || result.unknownType) throw new Error('expected a schema error');
  expect(result.errors[0]).toMatchObject(c.expect);
  expect(result.errors[0]?.message).toContain(c.expect.path === '' ? 'frame' : c.expect.path.split('/').slice(0, -1).join('/'));
}

describe('validateEvent', () => {
  it('has valid and invalid fixtures for every event type', () => {
    for (const type of SERVER_EVENT_TYPES) {
      expect(eventCases[type].some((c) => c.expect === 'valid')).toBe(true);
      expect(eventCases[type].some((c) => c.expect !== 'valid')).toBe(true);
    }
  });

  for (const [type, cases] of Object.entries(eventCases)) {
    describe(type, () => {
      it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => expectVerdict(validateEvent(c.frame), c));
    });
  }

  it('reports an unknown type distinctly, not as a schema error', () => {
    expect(validateEvent({ type: 'stream_citation', requestId: 'r', data: {} })).toEqual({ valid: false, unknownType: true, type: 'stream_citation' });
  });

  it.each([
    ['null', null, '', 'type'],
    ['an array', [{ type: 'pong' }], '', 'type'],
    ['a string', '{"type":"pong"}', '', 'type'],
    ['an object without type', { requestId: 'r' }, '', 'required'],
    ['a numeric type', { type: 7 }, '/type', 'type'],
  ])('rejects %s as a frame', (_name, frame, path, rule) => {
    expect(validateEvent(frame)).toEqual({ valid: false, unknownType: false, errors: [expect.objectContaining({ path, rule })] });
  });

  it('never looks a type up on Object.prototype', () => {
    for (const type of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(validateEvent({ type })).toEqual({ valid: false, unknownType: true, type });
    }
  });

  it('never throws and never accepts a frame whose type is unknown (fuzz)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = validateEvent(value);
        if (result.valid) expect(SERVER_EVENT_TYPES).toContain((value as { type: string }).type);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on mutated valid frames (fuzz)', () => {
    const valid = Object.values(eventCases).flat().filter((c) => c.expect === 'valid').map((c) => c.frame as Record<string, unknown>);
    fc.assert(
      fc.property(fc.constantFrom(...valid), fc.string(), fc.jsonValue(), (frame, key, value) => {
        const mutated = { ...frame, [key]: value, data: key === 'data' ? value : frame.data };
        expect(() => validateEvent(mutated)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });
});

describe('validateAction', () => {
  it('has valid and invalid fixtures for every action', () => {
    for (const name of CLIENT_ACTION_NAMES) {
      expect(actionCases[name].some((c) => c.expect === 'valid')).toBe(true);
      expect(actionCases[name].some((c) => c.expect !== 'valid')).toBe(true);
    }
  });

  for (const [name, cases] of Object.entries(actionCases)) {
    describe(name, () => {
      it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => expectVerdict(validateAction(c.frame), c));
    });
  }

  it('reports an unknown action distinctly', () => {
    expect(validateAction({ action: 'subscribe', requestId: 'r' })).toEqual({ valid: false, unknownType: true, type: 'subscribe' });
  });

  it('reports a missing action as a schema error', () => {
    expect(validateAction({ requestId: 'r' })).toMatchObject({ valid: false, unknownType: false, errors: [{ rule: 'required' }] });
  });
});

describe('tolerance of unknown fields (a deliberate choice per message)', () => {
  /** Adds a field no schema knows to every object in the value, at every depth. */
  function widen(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(widen);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = { addedByNewerServer: { nested: true } };
    for (const [k, v] of Object.entries(value)) out[k] = widen(v);
    return out;
  }

  it('events accept fields added by newer servers at every level', () => {
    const valid = Object.values(eventCases).flat().filter((c) => c.expect === 'valid');
    expect(valid.length).toBeGreaterThan(20);
    for (const c of valid) expect([c.name, validateEvent(widen(c.frame)).valid]).toEqual([c.name, true]);
  });

  it('actions reject unknown top-level fields: a typo must not reach the server unnoticed', () => {
    for (const c of Object.values(actionCases).flat().filter((x) => x.expect === 'valid')) {
      const result = validateAction({ ...(c.frame as object), sesionId: 'typo' });
      expect([c.name, result.valid || result.unknownType || result.errors[0]?.rule]).toEqual([c.name, 'additionalProperties']);
    }
  });

  it('free-form action fields (metadata, interaction values) stay open', () => {
    expect(validateAction({ action: 'create_conversation_session', requestId: 'r', agentId: 'a', metadata: { anything: { at: ['all'] } } }).valid).toBe(true);
    expect(validateAction({ action: 'submit_interaction', requestId: 'r', sessionId: 's', interactionId: 'i', kind: 'date_picker', values: { date: '2027-01-01' } }).valid).toBe(true);
  });
});

describe('reply and interaction objects', () => {
  const cases: Array<[keyof typeof objectValidators, unknown, boolean]> = [
    ['Session', { sessionId: 's', conversationId: 'c', agentId: 'a', agentName: 'Aria', userParticipantId: 'u', agentParticipantId: 'p' }, true],
    ['Session', { sessionId: 's', conversationId: 'c', agentName: 'Aria', threadId: null, status: 'idle', region: 'new-field' }, true],
    ['Session', { conversationId: 'c' }, false],
    ['ConversationMessagesPage', { messages: [{ id: 'm', direction: 'inbound', content: { text: 'hi' }, createdAt: '2026-01-01T00:00:00Z', tokens: 3 }], nextCursor: 'c2', hasMore: true }, true],
    ['ConversationMessagesPage', { messages: [], nextCursor: null, hasMore: false }, true],
    ['ConversationMessagesPage', { messages: [{ id: 'm', content: {} }], hasMore: false }, false],
    ['ConversationList', { conversations: [{ conversationId: 'c', title: 'Order', updatedAt: '2026-01-01T00:00:00Z', messageCount: 4 }] }, true],
    ['ConversationList', { conversations: [{ title: 'no id' }] }, false],
    ['Citation', { id: 'a', title: 'a', snippet: 's', score: 0 }, true],
    ['Citation', { id: 'a', title: 'a', score: 'high' }, false],
    ['IdentityIntakeSpec', { fields: [{ key: 'phone', required: true }] }, true],
    ['IdentityIntakeSpec', { fields: [] }, false],
    ['IdentityIntakeValues', { name: 'A', email: 'a@example.com' }, true],
    ['IdentityIntakeValues', { email: 42 }, false],
    ['ChoicesSpec', { questions: [{ question: 'Q', header: 'H', options: [{ label: 'a' }, { label: 'b' }] }] }, true],
    ['ChoicesSpec', { questions: [{ question: 'Q', header: 'Header too long', options: [{ label: 'a' }, { label: 'b' }] }] }, false],
    ['ChoicesValues', { answers: [{ header: 'H', options: ['a'] }] }, true],
    ['ChoicesValues', { answers: [{ options: ['a'] }] }, false],
  ];
  it.each(cases)('%s %j → %s', (name, value, valid) => {
    expect(validateWith(objectValidators[name], value).valid).toBe(valid);
  });
});
