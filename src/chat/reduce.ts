import type { ConversationMessage, EventualResponseEvent, StreamChunkEvent } from '../generated/types.js';
import { endsTurn, resumesTurn } from '../turn/rules.js';
import type { TurnEvent } from '../turn/turn-event.js';
import type { ChatAsk, ChatAssistantMessage, ChatFault, ChatMessage, ChatPart, ChatToolPart } from './types.js';

// The chat's fold, one step per turn event. Pure: a new message when the event changed it, the
// same object when not, so unchanged messages keep their identity in every snapshot.

let askSequence = 0;

/** A new assistant message for a turn that has just been accepted. */
export function newAssistantMessage(id: string, replyTo: string): ChatAssistantMessage {
  return { id, role: 'assistant', parts: [], status: 'streaming', ask: undefined, error: undefined, replyTo, createdAt: undefined };
}

/** The message after one event of its turn. */
export function assistantAfter(message: ChatAssistantMessage, event: TurnEvent): ChatAssistantMessage {
  switch (event.type) {
    case 'stream_token':
      return withParts(message, appendText(message.parts, 'text', event.token), resumesTurn(event) ? resumed(message) : message.ask);
    case 'stream_reasoning':
      return withParts(message, appendText(message.parts, 'reasoning', event.token), resumesTurn(event) ? resumed(message) : message.ask);
    case 'stream_preamble':
      return withParts(message, appendText(message.parts, 'preamble', event.token), resumesTurn(event) ? resumed(message) : message.ask);
    case 'stream_chunk': {
      const parts = toolsAfter(message.parts, event);
      const ask = resumesTurn(event) ? resumed(message) : message.ask;
      return parts === message.parts && ask === message.ask ? message : { ...message, parts, ask, status: statusOf(ask) };
    }
    case 'write_confirmation_required': {
      const { toolId, actionDescription } = event.data.data;
      return ask(message, { type: 'confirm', id: `ask-${++askSequence}`, status: 'pending', messageId: message.id, toolId, actionDescription });
    }
    case 'interaction_required': {
      const { interactionId, kind, spec, reason } = event.data.data;
      const base = { id: `ask-${++askSequence}`, status: 'pending' as const, messageId: message.id, interactionId, reason, errors: [], invalidMessage: undefined };
      // The spec is the server's JSON: typed by kind, as the schemas describe each kind.
      if (kind === 'identity_intake') return ask(message, { ...base, type: 'identity_intake', spec: spec as never });
      if (kind === 'choices') return ask(message, { ...base, type: 'choices', spec: spec as never });
      return ask(message, { ...base, type: 'interaction', kind, spec });
    }
    case 'interaction_invalid': {
      const current = message.ask;
      if (current === undefined || current.type === 'confirm' || current.type === 'otp') return message;
      const { errors, message: invalidMessage } = event.data.data;
      return { ...message, ask: { ...current, errors, invalidMessage } };
    }
    case 'otp_verification_required': {
      const { toolId, actionDescription, availableChannels } = event.data.data;
      // Not a park: the turn goes on and completes; the code is verified after it.
      const otp: ChatAsk = { type: 'otp', id: `ask-${++askSequence}`, status: 'pending', messageId: message.id, toolId, actionDescription, channels: availableChannels ?? [], sent: undefined, invalid: undefined };
      return { ...message, ask: otp, status: statusOf(otp) };
    }
    case 'otp_sent':
      return message.ask?.type === 'otp' ? { ...message, ask: { ...message.ask, sent: event.data.data } } : message;
    case 'otp_invalid':
      return message.ask?.type === 'otp' ? { ...message, ask: { ...message.ask, invalid: event.data.data } } : message;
    case 'eventual_response':
      return completed(message, event);
    case 'cancelled':
      return ended(message, 'cancelled', undefined);
    default:
      // Acks (a 200 answering a resume) and keepalives: a resume clears the park.
      return resumesTurn(event) && message.ask?.status === 'pending' && message.ask.type !== 'otp' ? { ...message, ask: { ...message.ask, status: 'answered' }, status: 'streaming' } : message;
  }
}

/** The turn ended without its answer: stopped, failed, cut. A pending park is interrupted with it. */
export function ended(message: ChatAssistantMessage, status: 'cancelled' | 'interrupted' | 'failed', error: ChatFault | undefined): ChatAssistantMessage {
  const pending = message.ask?.status === 'pending' && message.ask.type !== 'otp';
  const parts = message.parts.some((part) => part.type === 'tool' && part.status === 'running') ? message.parts.map(stopRunning) : message.parts;
  return { ...message, parts, status, error, ask: pending ? { ...(message.ask as ChatAsk), status: 'interrupted' } : message.ask };
}

/** The ask with another status (the user answered, the server refused, ...). */
export function withAskStatus(message: ChatAssistantMessage, status: ChatAsk['status']): ChatAssistantMessage {
  if (message.ask === undefined || message.ask.status === status) return message;
  const ask = { ...message.ask, status };
  // Status and ask agree: a park pending again (rejected values) waits for the user again.
  const parked = status === 'pending' && ask.type !== 'otp' && message.status === 'streaming';
  return { ...message, ask, status: parked ? 'awaiting-human' : message.status === 'awaiting-human' && status !== 'pending' ? 'streaming' : message.status };
}

/** A message of the server's history. */
export function historyMessage(message: ConversationMessage): ChatMessage {
  const text = message.content.text ?? '';
  const createdAt = message.createdAt;
  if (message.direction === 'inbound') return { id: message.id, role: 'user', text, status: 'history', error: undefined, createdAt };
  return { id: message.id, role: 'assistant', parts: text === '' ? [] : [{ type: 'text', text }], status: 'history', ask: undefined, error: undefined, replyTo: undefined, createdAt };
}

// ---------------------------------------------------------------------------------------------

function withParts(message: ChatAssistantMessage, parts: readonly ChatPart[], ask: ChatAsk | undefined): ChatAssistantMessage {
  return { ...message, parts, ask, status: statusOf(ask) };
}

const statusOf = (ask: ChatAsk | undefined): ChatAssistantMessage['status'] => (ask?.status === 'pending' && ask.type !== 'otp' ? 'awaiting-human' : 'streaming');

/** The ask after an event that resumes the turn: a pending park is answered (streaming resumes only after an answer). */
function resumed(message: ChatAssistantMessage): ChatAsk | undefined {
  const ask = message.ask;
  return ask !== undefined && ask.status === 'pending' && ask.type !== 'otp' ? { ...ask, status: 'answered' } : ask;
}

function ask(message: ChatAssistantMessage, next: ChatAsk): ChatAssistantMessage {
  return { ...message, ask: next, status: 'awaiting-human' };
}

/** Appends a piece to the last part of its kind when it is the last part; else starts one. The answer replaces the preamble. */
function appendText(parts: readonly ChatPart[], type: 'text' | 'reasoning' | 'preamble', piece: string): readonly ChatPart[] {
  const last = parts[parts.length - 1];
  if (last !== undefined && last.type === type) {
    const next = parts.slice();
    next[parts.length - 1] = { type, text: last.text + piece };
    return next;
  }
  const kept = type === 'text' && parts.some((part) => part.type === 'preamble') ? parts.filter((part) => part.type !== 'preamble') : parts;
  return [...kept, { type, text: piece }];
}

function toolsAfter(parts: readonly ChatPart[], event: StreamChunkEvent): readonly ChatPart[] {
  const raw = event.data.state?.rawResponse;
  if (raw === undefined || raw === null) return parts;
  let next = parts;
  if (raw.toolCall != null) {
    next = [...next, { type: 'tool', name: raw.toolCall.name, call: raw.toolCall, result: undefined, status: 'running' }];
  }
  const result = raw.toolResult;
  if (result != null) {
    const status = result.isError === true ? 'failed' : 'succeeded';
    const index = next.findIndex((part) => part.type === 'tool' && part.status === 'running' && part.name === result.name);
    const done: ChatToolPart = index >= 0 ? { ...(next[index] as ChatToolPart), result, status } : { type: 'tool', name: result.name, call: { name: result.name }, result, status };
    next = index >= 0 ? next.map((part, i) => (i === index ? done : part)) : [...next, done];
  }
  return next;
}

const stopRunning = (part: ChatPart): ChatPart => (part.type === 'tool' && part.status === 'running' ? { ...part, status: 'failed' } : part);

/** The answer as the server stored it: the streamed text is replaced when it differs; sources and usage appended. */
function completed(message: ChatAssistantMessage, event: EventualResponseEvent): ChatAssistantMessage {
  const result = event.data.data;
  const finalText = result.response.responseParts.join('\n');
  let parts = message.parts;
  const streamed = parts.filter((part) => part.type === 'text').map((part) => (part as { text: string }).text).join('');
  if (finalText !== '' && finalText !== streamed) {
    parts = [...parts.filter((part) => part.type !== 'text' && part.type !== 'preamble'), { type: 'text', text: finalText }];
  }
  if (result.citations !== undefined && result.citations.length > 0) parts = [...parts, { type: 'citations', citations: result.citations }];
  if (result.usage != null) parts = [...parts, { type: 'usage', usage: result.usage }];
  if (result.needsEscalation === true) parts = [...parts, { type: 'escalation', reason: result.escalationReason ?? undefined }];
  // Streamed text is a rope (a string cell per piece); reading a character flattens it in V8, so a
  // long conversation keeps its answers at about a byte a character. Once per turn, not per event.
  for (const part of parts) if (part.type === 'text' || part.type === 'reasoning') part.text.charCodeAt(0);
  const done = ended({ ...message, parts }, 'cancelled', undefined);
  return { ...done, status: 'complete' };
}

/** @internal For the chat: whether the event ends its turn. */
export const isEnd = (event: TurnEvent): boolean => endsTurn(event.type);
