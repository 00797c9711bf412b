/** Handles answering the actions besides `send_message`: resumes, OTP, cancel and requests. */
import type {
  CancelAction,
  ConfirmToolActionAction,
  ConversationList,
  ConversationMessagesPage,
  CreateConversationSessionAction,
  GetConversationMessagesAction,
  GetSessionAction,
  InteractionFieldError,
  InteractionValues,
  ListConversationsAction,
  PingAction,
  Session,
  SubmitInteractionAction,
  VerifyOtpAction,
} from '../../generated/types.js';
import { cancelledFrame, errorFrame, immediateFrame, interactionInvalidFrame, otpInvalidFrame, otpVerifiedFrame, pongFrame, sessionData } from '../frames.js';
import { ActionHandle, TestingControllerError } from './handle.js';

/**
 * A `confirm_tool_action` (answer to `write_confirmation_required`), from `expectConfirm()`.
 * After `ack()`, continue the parked turn through its `TestTurn` (tool result, tokens, respond):
 * before it, the turn refuses every frame but its ending, as a server keeps the turn parked.
 * After a denial (`approved: false`), the gated tool's result is an error: a server does not run it.
 */
export class TestConfirm extends ActionHandle<ConfirmToolActionAction> {
  get approved(): boolean {
    return this.action.approved;
  }

  get sessionId(): string {
    return this.action.sessionId;
  }

  /**
   * `immediate_response` 200 `{ sessionId, approved }` on the confirm's requestId; the parked turn
   * may go on.
   * @throws TestingControllerError when no turn of its session is parked on a write confirmation
   * on its connection, or it parked only after this confirm was sent (a server answers
   * `NO_PENDING_CONFIRMATION`: send that with `error()`).
   */
  ack(message?: string): this {
    return this.step((entry) => {
      const { requestId, sessionId, approved } = entry.action;
      const unawaited = this.slot.link.unawaited(entry);
      if (unawaited !== undefined) throw new TestingControllerError(`${this.description}: ack(): ${unawaited}; a server answers NO_PENDING_CONFIRMATION (error())`);
      this.send(entry, immediateFrame(requestId, 200, message ?? (approved ? 'Tool action approved' : 'Tool action denied'), { sessionId, approved }));
      this.slot.link.resume(entry);
    });
  }

  /** `error` on the confirm's requestId; the parked turn lives on. */
  error(code = 'NO_PENDING_CONFIRMATION', message?: string): this {
    return this.step((entry) => {
      this.send(entry, errorFrame(entry.action.requestId, code, message));
      this.slot.link.refused(entry);
    });
  }
}

/**
 * A `submit_interaction` (answer to `interaction_required`), from `expectSubmit()`. Its frames
 * carry the submit's requestId, which is the parked turn's.
 */
export class TestSubmit extends ActionHandle<SubmitInteractionAction> {
  get interactionId(): string {
    return this.action.interactionId;
  }

  get kind(): string | undefined {
    return this.action.kind;
  }

  /** The submitted values; `undefined` for a decline. */
  get values(): InteractionValues | undefined {
    return this.action.values;
  }

  get declined(): boolean {
    return this.action.declined === true;
  }

  /**
   * `immediate_response` 200 ("Interaction submitted" / "Interaction declined"); the turn resumes
   * (before it, it refuses every frame but `interaction_invalid` and its ending).
   * @throws TestingControllerError when no turn of its session is parked on an interaction on its
   * connection (a server answers `NO_PENDING_INTERACTION`: send that with `error()`).
   */
  ack(message?: string): this {
    return this.step((entry) => {
      const { requestId, sessionId, interactionId, kind, values, declined } = entry.action;
      const unawaited = this.slot.link.unawaited(entry);
      if (unawaited !== undefined) throw new TestingControllerError(`${this.description}: ack(): ${unawaited}; a server answers NO_PENDING_INTERACTION (error())`);
      const base = { sessionId, interactionId, ...(kind !== undefined ? { kind } : {}) };
      const data = declined === true ? { ...base, declined: true } : { ...base, values: values ?? {} };
      this.send(entry, immediateFrame(requestId, 200, message ?? (declined === true ? 'Interaction declined' : 'Interaction submitted'), data));
      this.slot.link.resume(entry);
    });
  }

  /** `interaction_invalid`: the values are rejected, the turn stays parked for a resubmit. */
  invalid(errors: InteractionFieldError[], message?: string): this {
    return this.step((entry) => {
      this.send(entry, interactionInvalidFrame(entry.action.requestId, entry.action.interactionId, entry.action.kind, errors, message));
      this.slot.link.refused(entry);
    });
  }

  /** `error` INTERACTION_MISMATCH (stale id or kind): the turn stays parked. */
  mismatch(message = 'The interaction does not match the pending one'): this {
    return this.error('INTERACTION_MISMATCH', message);
  }

  /** `error` on the submit's requestId (e.g. NO_PENDING_INTERACTION). */
  error(code: string, message?: string): this {
    return this.step((entry) => {
      this.send(entry, errorFrame(entry.action.requestId, code, message));
      this.slot.link.refused(entry);
    });
  }
}

/** A `verify_otp`, from `expectVerifyOtp()`. */
export class TestVerifyOtp extends ActionHandle<VerifyOtpAction> {
  get code(): string {
    return this.action.code;
  }

  /** `otp_verified`: the session is verified (the client then re-sends its message). */
  verified(message?: string): this {
    return this.step((entry) => this.send(entry, otpVerifiedFrame(entry.action.requestId, message)));
  }

  /** `otp_invalid` with the attempts left (0: locked, error MAX_ATTEMPTS). */
  invalid(attemptsRemaining: number, error?: string): this {
    return this.step((entry) => this.send(entry, otpInvalidFrame(entry.action.requestId, attemptsRemaining, error)));
  }

  /** `error` on the verify's requestId (e.g. OTP_SEND_FAILED). */
  error(code: string, message?: string): this {
    return this.step((entry) => this.send(entry, errorFrame(entry.action.requestId, code, message)));
  }
}

/** A `cancel`, from `expectCancel()`. A server sends nothing at all when no turn runs. */
export class TestCancel extends ActionHandle<CancelAction> {
  /**
   * `cancelled` 499 for the turn running on the connection (the one the cancel names, else the
   * running one, as servers cancel whatever is active). The turn ends; its scheduled steps are
   * dropped.
   * @throws TestingControllerError when no turn runs (a server would not answer).
   */
  confirm(): this {
    return this.step((entry) => {
      const turn = this.slot.link.runningTurn(entry.socket, entry.action.requestId);
      if (turn?.turn === undefined) throw new TestingControllerError(`${this.description}: confirm(): no turn is running on this connection; a server sends nothing`);
      this.send(entry, cancelledFrame(turn.action.requestId));
      turn.turn.ended = 'stopped';
    });
  }
}

/** The request actions `expectRequest()` answers, with what `respond()` takes for each. */
export interface RequestReplies {
  /** Merged over `sessionData()` (so `respond()` alone answers). */
  create_conversation_session: [session?: Partial<Session>];
  /** Merged over `sessionData({ sessionId })` of the request. */
  get_session: [session?: Partial<Session>];
  get_conversation_messages: [page: ConversationMessagesPage];
  list_conversations: [list: ConversationList];
  /** Answered by `pong`. */
  ping: [];
}

/** A request action name. */
export type RequestActionName = keyof RequestReplies;

/** The action interface of each request. */
export interface RequestActions {
  create_conversation_session: CreateConversationSessionAction;
  get_session: GetSessionAction;
  get_conversation_messages: GetConversationMessagesAction;
  list_conversations: ListConversationsAction;
  ping: PingAction;
}

const MESSAGES: Readonly<Record<RequestActionName, string>> = {
  create_conversation_session: 'Session created',
  get_session: 'Session retrieved',
  get_conversation_messages: 'Messages retrieved',
  list_conversations: 'Conversations retrieved',
  ping: '',
};

/** A request (`get_session`, `ping`, ...), from `expectRequest(name)`. */
export class TestRequest<K extends RequestActionName> extends ActionHandle<RequestActions[K]> {
  /** Answers it: `immediate_response` 200 with the data (or `pong` for a ping). */
  respond(...reply: RequestReplies[K]): this {
    return this.step((entry) => {
      const action: RequestActions[RequestActionName] = entry.action;
      const [data] = reply as [unknown?];
      if (action.action === 'ping') return this.send(entry, pongFrame(action.requestId));
      let payload = data as Record<string, unknown>;
      if (action.action === 'create_conversation_session') payload = { ...sessionData(), ...(data as Partial<Session> | undefined) };
      if (action.action === 'get_session') payload = { ...sessionData({ sessionId: action.sessionId }), ...(data as Partial<Session> | undefined) };
      this.send(entry, immediateFrame(action.requestId, 200, MESSAGES[action.action], payload));
    });
  }

  /** `error` on the request's requestId (e.g. SESSION_NOT_FOUND, VALIDATION_ERROR). */
  error(code: string, message?: string): this {
    return this.step((entry) => this.send(entry, errorFrame(entry.action.requestId, code, message)));
  }
}
