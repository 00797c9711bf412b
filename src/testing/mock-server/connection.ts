/**
 * One client connection of the mock server: parses and validates each frame and answers each
 * action the way reference servers do.
 */
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type {
  ClientAction,
  ClientActionOf,
  ConfirmToolActionAction,
  SubmitInteractionAction,
} from '../../generated/types.js';
import { validateAction } from '../../validation/validate.js';
import type { ServerContext } from './context.js';
import { errorFrame, immediateFrame, interactionInvalidFrame, pongFrame } from '../frames.js';
import { validateValues } from './interactions.js';
import { verifyCode } from './otp.js';
import { BadCursorError, type SessionRecord } from './session-store.js';
import { Turn, type TurnTransport } from './turn-runner.js';

export class MockConnection implements TurnTransport {
  /** The turn running or parked on this connection: one at a time. */
  private turn: Turn | undefined;
  private dead = false;

  constructor(
    readonly index: number,
    private readonly socket: WebSocket,
    /** The TCP socket under it, paused when the connection goes half-open. */
    private readonly tcp: Duplex,
    private readonly ctx: ServerContext,
    private readonly record: (index: number, frame: unknown) => void,
  ) {}

  /** Whether it went half-open (`server.faults.halfOpen()`): it neither sends nor reads any more. */
  get halfOpen(): boolean {
    return this.dead;
  }

  send(frame: object | string): void {
    if (this.dead || this.socket.readyState !== WebSocket.OPEN) return;
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  terminate(): void {
    this.socket.terminate();
  }

  /** Closes the socket (a close handshake with `code`, or abruptly without one); its turn dies at once. */
  close(code: number | undefined, reason: string): void {
    this.turn?.abort();
    if (code === undefined) this.socket.terminate();
    else this.socket.close(code, reason);
  }

  /** Closes with a close handshake and resolves once the socket is gone; a client that does not answer is cut after `graceMs`. */
  closeAndWait(code: number, reason: string, graceMs: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.readyState === WebSocket.CLOSED) return resolve();
      const timer = setTimeout(() => this.socket.terminate(), graceMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.close(code, reason);
    });
  }

  /**
   * Goes half-open, as behind a dead NAT: the TCP socket stays, but nothing is sent and nothing
   * read any more (a paused socket reads neither frames nor the client's close). The turn runs on.
   */
  goHalfOpen(): void {
    this.dead = true;
    this.tcp.pause();
  }

  /** The socket closed: a running or parked turn dies with it (no reply is stored). */
  closed(): void {
    this.turn?.abort();
  }

  /** Handles one inbound frame (text, or binary read as UTF-8 text). */
  receive(text: string): void {
    // Frames `ws` had already read when the socket paused never reach a server behind a dead route.
    if (this.dead) return;
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      this.send(errorFrame(undefined, 'VALIDATION_ERROR', 'frame is not valid JSON'));
      return;
    }
    this.record(this.index, frame);
    const requestId = requestIdOf(frame);
    const verdict = validateAction(frame);
    if (verdict.valid) {
      try {
        this.dispatch(verdict.value);
      } catch (error) {
        // A mock-server bug must not crash the test process hosting it.
        const reason = error instanceof Error ? error.message : String(error);
        this.send(errorFrame(requestId, 'INTERNAL_ERROR', `mock server failure: ${reason}`));
      }
      return;
    }
    if (verdict.unknownType) {
      this.send(errorFrame(requestId, 'UNSUPPORTED_ACTION', `unsupported action '${verdict.type}'`));
    } else {
      const first = verdict.errors[0];
      this.send(errorFrame(requestId, 'VALIDATION_ERROR', first?.message ?? 'invalid frame', { errors: verdict.errors }));
    }
  }

  private dispatch(action: ClientAction): void {
    switch (action.action) {
      case 'create_conversation_session':
        return this.createSession(action);
      case 'send_message':
        return this.sendMessage(action);
      case 'get_session':
        return this.withSession(action, (session) => {
          const active = [...this.ctx.turns].some((t) => t.session === session);
          const data = { ...this.ctx.store.describe(session, active ? 'active' : 'idle') };
          this.send(immediateFrame(action.requestId, 200, 'Session retrieved', data));
        });
      case 'get_conversation_messages':
        return this.withSession(action, (session) => {
          try {
            const page = { ...this.ctx.store.page(session, action.limit, action.cursor) };
            this.send(immediateFrame(action.requestId, 200, 'Messages retrieved', page));
          } catch (error) {
            if (!(error instanceof BadCursorError)) throw error;
            this.send(errorFrame(action.requestId, 'VALIDATION_ERROR', error.message));
          }
        });
      case 'list_conversations':
        this.send(immediateFrame(action.requestId, 200, 'Conversations retrieved', { conversations: this.ctx.store.list(action.limit) }));
        return;
      case 'confirm_tool_action':
        // Reference servers look for the park, not the session: an unknown session has none.
        return this.confirm(action, this.ctx.store.getSession(action.sessionId));
      case 'submit_interaction':
        return this.withSession(action, (session) => this.submitInteraction(action, session));
      case 'verify_otp':
        return this.withSession(action, (session) => {
          this.send(verifyCode(session, action.code, this.ctx.options.otp.code, action.requestId));
        });
      case 'cancel':
        // Whatever turn is active on this connection, whichever requestId the cancel carries.
        this.turn?.cancel();
        return;
      case 'ping':
        if (this.ctx.faults.pongsStopped) {
          this.ctx.faults.counts.ignoredPings += 1;
          return;
        }
        this.send(pongFrame(action.requestId));
        return;
    }
  }

  private createSession(action: ClientActionOf<'create_conversation_session'>): void {
    const session = this.ctx.store.createSession(action);
    this.send(immediateFrame(action.requestId, 200, 'Session created', { ...this.ctx.store.describe(session) }));
  }

  private sendMessage(action: ClientActionOf<'send_message'>): void {
    this.withSession(action, (session) => {
      if (this.turn !== undefined) {
        const message = `a turn is already in progress on this connection (requestId '${this.turn.requestId}')`;
        this.send(errorFrame(action.requestId, 'TURN_IN_PROGRESS', message));
        return;
      }
      if (action.skill !== undefined && !this.ctx.options.skills.has(action.skill)) {
        this.send(errorFrame(action.requestId, 'SKILL_NOT_FOUND', `skill '${action.skill}' not found`));
        return;
      }
      const turn = new Turn(this.ctx, this, session, action.requestId, this.ctx.nextTurnIndex(), (ended) => {
        if (this.turn === ended) this.turn = undefined;
      });
      this.turn = turn;
      turn.start(action.message);
    });
  }

  private confirm(action: ConfirmToolActionAction, session: SessionRecord | undefined): void {
    const turn = session === undefined ? undefined : this.findParked(session, 'confirmation');
    if (session === undefined || turn === undefined) {
      const message = `no tool action is pending confirmation for session '${action.sessionId}'`;
      this.send(errorFrame(action.requestId, 'NO_PENDING_CONFIRMATION', message));
      return;
    }
    const message = action.approved ? 'Tool action approved' : 'Tool action denied';
    this.send(immediateFrame(action.requestId, 200, message, { sessionId: session.sessionId, approved: action.approved }));
    turn.confirm(action.approved);
  }

  private submitInteraction(action: SubmitInteractionAction, session: SessionRecord): void {
    const rid = action.requestId;
    const turn = this.findParked(session, 'interaction');
    const park = turn?.park;
    if (turn === undefined || park?.type !== 'interaction') {
      this.send(errorFrame(rid, 'NO_PENDING_INTERACTION', `no interaction is pending for session '${session.sessionId}'`));
      return;
    }
    if (action.interactionId !== park.interactionId || (action.kind !== undefined && action.kind !== park.kind)) {
      const message = `interaction '${action.interactionId}' (${action.kind ?? 'no kind'}) does not match the pending ${park.kind} interaction`;
      this.send(errorFrame(rid, 'INTERACTION_MISMATCH', message, { interactionId: park.interactionId, kind: park.kind }));
      return;
    }
    const base = { sessionId: session.sessionId, interactionId: park.interactionId, kind: park.kind };
    if (action.declined === true) {
      this.send(immediateFrame(rid, 200, 'Interaction declined', { ...base, declined: true }));
      turn.submit({ declined: true });
      return;
    }
    const verdict = validateValues(park.kind, park.spec, action.values ?? {});
    if (!verdict.ok) {
      this.send(interactionInvalidFrame(rid, park.interactionId, park.kind, verdict.errors));
      return;
    }
    this.send(immediateFrame(rid, 200, 'Interaction submitted', { ...base, values: verdict.values }));
    turn.submit({ declined: false, values: verdict.values });
  }

  /**
   * This connection's turn when it is of the session and parked on `type`. Servers find the park
   * by session, but only among the turns of the connection the answer arrives on: parks belong to
   * their socket, so a confirm or submit sent on another socket finds none.
   */
  private findParked(session: SessionRecord, type: 'confirmation' | 'interaction'): Turn | undefined {
    const turn = this.turn;
    return turn !== undefined && turn.session === session && turn.park?.type === type ? turn : undefined;
  }

  private withSession(action: { requestId: string; sessionId: string }, then: (session: SessionRecord) => void): void {
    const session = this.ctx.store.getSession(action.sessionId);
    if (session === undefined) {
      this.send(errorFrame(action.requestId, 'SESSION_NOT_FOUND', `session '${action.sessionId}' not found`));
      return;
    }
    then(session);
  }
}

/** The requestId to echo on an error: a frame's non-empty string requestId, if any. */
function requestIdOf(frame: unknown): string | undefined {
  if (typeof frame !== 'object' || frame === null) return undefined;
  const requestId = (frame as { requestId?: unknown }).requestId;
  return typeof requestId === 'string' && requestId !== '' ? requestId : undefined;
}
