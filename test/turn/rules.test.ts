/**
 * What each event type does to a turn is declared once, in the table of `src/turn/rules.ts`:
 * these tests pin the table, its type, the refusals, and that no other source file writes a role
 * of its own.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expectTypeOf } from 'expect-type';
import type { ServerEvent } from '../../src/generated/types.js';
import { eventValidators } from '../../src/generated/validators/index.js';
import { ROLES, RESUME_REFUSALS, endsTurn, isAnswer, isMootRefusal, parksTurn, refusesCancel, refusesResume, resumesTurn, startsTurn, type Role, type TurnEndType } from '../../src/turn/rules.js';
import { errorFrame } from '../../src/testing/frames.js';
import { INTERACTION_ID, RID, ack, cancelled, eventualResponse, interactionAck, interactionInvalid, interactionRequired, keepalive, otpSent, token, toolCall, toolResult, writeConfirmation } from '../fixtures/events.js';

const errorEvent = errorFrame('r-msg', 'AGENT_ERROR', 'the agent failed');

describe('the role table', () => {
  it('has a role for every event type the protocol has, and for nothing else', () => {
    expect(Object.keys(ROLES).sort()).toEqual([...eventValidators.keys()].sort());
  });

  it('is keyed by every ServerEvent type, so a new event type fails to compile there', () => {
    expectTypeOf<keyof typeof ROLES>().toEqualTypeOf<ServerEvent['type']>();
    expectTypeOf<(typeof ROLES)[keyof typeof ROLES]>().toMatchTypeOf<Role>();
    expectTypeOf<TurnEndType>().toEqualTypeOf<'eventual_response' | 'cancelled' | 'error'>();
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(ROLES)).toBe(true);
    expect(Object.isFrozen(RESUME_REFUSALS)).toBe(true);
  });

  it('ends a turn on eventual_response, cancelled and error only, for raw frame types too', () => {
    const ending = Object.keys(ROLES).filter((type) => endsTurn(type));
    expect(ending.sort()).toEqual(['cancelled', 'error', 'eventual_response']);
    expect([undefined, 42, 'toString', '__proto__', 'constructor'].map((type) => endsTurn(type))).toEqual([false, false, false, false, false]);
  });

  it('parks a turn on the two asks, and nothing else', () => {
    const events = [ack(RID), token(RID, 'a'), toolCall(RID, 't', {}), writeConfirmation(RID, 'w'), interactionRequired(RID), interactionInvalid(RID, INTERACTION_ID, []), keepalive(RID), otpSent(RID)];
    expect(events.filter(parksTurn).map((event) => event.type)).toEqual(['write_confirmation_required', 'interaction_required']);
  });

  it('a 202 starts a turn; a 200 answers what we sent and resumes a parked turn', () => {
    const ack200 = interactionAck(RID, { email: 'a@example.com' });
    expect([startsTurn(ack(RID)), isAnswer(ack(RID)), resumesTurn(ack(RID))]).toEqual([true, false, false]);
    expect([startsTurn(ack200), isAnswer(ack200), resumesTurn(ack200)]).toEqual([false, true, true]);
  });

  it('resumes a parked turn on a streamed piece or a tool result, not on the parked tool call, a form sent back, OTP events or the end', () => {
    const resuming = [token(RID, 'a'), toolResult(RID, 't', 'ok')];
    const notResuming = [toolCall(RID, 't', {}), interactionInvalid(RID, INTERACTION_ID, []), keepalive(RID), otpSent(RID), eventualResponse(RID, ['x']), cancelled(RID), errorEvent];
    expect(resuming.map(resumesTurn)).toEqual([true, true]);
    expect(notResuming.map(resumesTurn)).toEqual(notResuming.map(() => false));
  });
});

describe('refusals of an answer', () => {
  it('four codes answer a resume rather than end its turn', () => {
    const codes = ['NO_PENDING_CONFIRMATION', 'NO_PENDING_INTERACTION', 'INTERACTION_MISMATCH', 'VALIDATION_ERROR', 'AGENT_ERROR', 'UNSUPPORTED_ACTION', 'toString'];
    expect(codes.filter(refusesResume)).toEqual(['NO_PENDING_CONFIRMATION', 'NO_PENDING_INTERACTION', 'INTERACTION_MISMATCH', 'VALIDATION_ERROR']);
  });

  it('UNSUPPORTED_ACTION, and nothing else, refuses a cancel', () => {
    expect(['UNSUPPORTED_ACTION', 'VALIDATION_ERROR', 'AGENT_ERROR'].map(refusesCancel)).toEqual([true, false, false]);
  });

  // PROTOCOL.md: NO_PENDING_CONFIRMATION is "no park", INTERACTION_MISMATCH a "stale/wrong id" —
  // the server no longer holds the ask. VALIDATION_ERROR is a malformed frame: the answer's own fault.
  it('three of them are moot (the server no longer holds the ask); VALIDATION_ERROR is not', () => {
    expect(Object.keys(RESUME_REFUSALS).filter(isMootRefusal)).toEqual(['NO_PENDING_CONFIRMATION', 'NO_PENDING_INTERACTION', 'INTERACTION_MISMATCH']);
  });
});

describe('one home per rule', () => {
  const root = join(__dirname, '..', '..');
  /** The client's side: the server plays of the testing kit and the generated code name types as data. */
  const excluded = ['src/generated', 'src/testing/mock-server', 'src/turn/rules.ts'];
  const files = (dir: string): string[] =>
    readdirSync(join(root, dir)).flatMap((name) => {
      const path = join(dir, name);
      if (excluded.some((prefix) => path.startsWith(prefix))) return [];
      if (statSync(join(root, path)).isDirectory()) return files(path);
      return path.endsWith('.ts') ? [path] : [];
    });
  const sources = [...files('src'), ...files('operators')].map((path) => ({
    path: relative(root, join(root, path)),
    // Comments may name types and codes freely.
    code: readFileSync(join(root, path), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, ''),
  }));
  const typesOf = (role: Role) => Object.entries(ROLES).filter(([, r]) => r === role).map(([type]) => type);
  const rolesOfSeveral = (['ask', 'end', 'piece', 'otp-answer', 'note'] as const).map((role) => typesOf(role));
  const offending = (pattern: (code: string) => boolean) => sources.filter(({ code }) => pattern(code)).map(({ path }) => path);

  it('the scan reads the client, the operators and the testing controller', () => {
    const paths = sources.map(({ path }) => path);
    expect(['src/client/turn.ts', 'src/turn/machine.ts', 'operators/transcript.ts', 'src/testing/controller/test-turn.ts'].filter((path) => !paths.includes(path))).toEqual([]);
  });

  it('no source lists two event types of one role together (a condition or adjacent case labels)', () => {
    const together = (a: string, b: string) => new RegExp(`===\\s*'${a}'[^;{}\\n]*===\\s*'${b}'|case '${a}':\\s*case '${b}'`);
    const pairs = rolesOfSeveral.flatMap((types) => types.flatMap((a) => types.filter((b) => b !== a).map((b) => [a, b] as const)));
    const hits = sources.flatMap(({ path, code }) =>
      pairs.filter(([a, b]) => together(a, b).test(code)).map(([a, b]) => `${path}: ${a} with ${b}`),
    );
    expect(hits).toEqual([]);
  });

  it('no source decides what a status of an ack means', () => {
    expect(offending((code) => /status\s*[!=]==?\s*20[02]\b/.test(code))).toEqual([]);
  });

  // The testing controller decides what parks a turn, what may follow a park (a refused form, the parked tool's call) and what resumes it from the table, so a new ask type parks its turns too.
  it('the testing controller names no ask or reject type, and does not re-decide what resumes a park', () => {
    const controller = sources.filter(({ path }) => path.startsWith('src/testing/controller'));
    const hits = controller.flatMap(({ path, code }) =>
      [...code.matchAll(/[!=]==\s*'(write_confirmation_required|interaction_required|interaction_invalid)'|toolResult\s*===\s*undefined/g)].map((m) => `${path}: ${m[0]}`),
    );
    expect(hits).toEqual([]);
  });

  it('no source lists or compares the refusals of an answer or of a cancel', () => {
    const codes = [...Object.keys(RESUME_REFUSALS), 'UNSUPPORTED_ACTION'].join('|');
    expect(offending((code) => new RegExp(`[!=]==?\\s*'(${codes})'|new Set\\(\\[[^\\]]*'(${codes})'`).test(code))).toEqual([]);
  });
});
