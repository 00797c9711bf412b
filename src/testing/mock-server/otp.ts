/** One-time-code verification of the mock server: a fixed test code and an attempt budget. */
import type { OtpInvalidEvent, OtpVerifiedEvent } from '../../generated/types.js';
import { otpInvalidFrame, otpVerifiedFrame } from '../frames.js';
import type { SessionRecord } from './session-store.js';

/** `alice@example.com` → `a***@example.com`; undefined without a usable address. */
export function maskEmail(email: string | undefined): string | undefined {
  if (email === undefined) return undefined;
  const at = email.lastIndexOf('@');
  if (at < 1) return undefined;
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

/**
 * Checks a code for a session: verifies it, or spends an attempt. A locked session (no attempts
 * left) answers MAX_ATTEMPTS even to the right code.
 */
export function verifyCode(session: SessionRecord, code: string, expected: string, requestId: string): OtpVerifiedEvent | OtpInvalidEvent {
  if (session.otpAttemptsLeft <= 0) return otpInvalidFrame(requestId, 0);
  if (code === expected) {
    session.verified = true;
    return otpVerifiedFrame(requestId);
  }
  session.otpAttemptsLeft -= 1;
  return otpInvalidFrame(requestId, session.otpAttemptsLeft);
}
