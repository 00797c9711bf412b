import type { ChatFault, ChatStatus, Citation, ConnectionState, ToolResult } from 'smooth-operator-rx';

/** The chat's status as the header shows it: what is going on, in words. */
export function describeStatus(status: ChatStatus): string {
  switch (status) {
    case 'idle':
      return 'Ready';
    case 'submitted':
      return 'Sending…';
    case 'streaming':
      return 'Agent is answering…';
    case 'awaiting-human':
      return 'Waiting for your answer';
    case 'reconnecting':
      return 'Reconnecting…';
    case 'error':
      return 'Something went wrong';
    case 'closed':
      return 'Closed';
  }
}

/** The socket's state in words: what a user needs to know while the network misbehaves. */
export function describeConnection(state: ConnectionState): string {
  switch (state.status) {
    case 'idle':
      return 'Not connected yet';
    case 'connecting':
      return state.attempt > 1 ? `Connecting (attempt ${state.attempt})…` : 'Connecting…';
    case 'open':
      return 'Online';
    case 'reconnecting':
      return `Reconnecting (attempt ${state.attempt})…`;
    case 'closing':
      return 'Disconnecting…';
    case 'closed':
      return state.why === 'idle' ? 'Online (idle)' : 'Offline';
  }
}

/** What the client is doing to get back online: retried by itself, so the user need not. */
export function describeReconnect(state: ConnectionState): string {
  const attempt = state.status === 'reconnecting' || state.status === 'connecting' ? state.attempt : undefined;
  return attempt === undefined ? 'Reconnecting automatically…' : `Reconnecting automatically (attempt ${attempt})…`;
}

/** `cancel_order` → `Cancel order`. */
export function humanize(name: string): string {
  const words = name.replace(/[_-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A tool's output as people read it: named fields for a JSON object, else its text. */
export type ReadableResult = { readonly kind: 'fields'; readonly fields: ReadonlyArray<{ readonly label: string; readonly value: string }> } | { readonly kind: 'text'; readonly text: string };

export function readableResult(result: ToolResult): ReadableResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.result);
  } catch {
    return { kind: 'text', text: result.result };
  }
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const fields = Object.entries(parsed as Record<string, unknown>).map(([key, value]) => ({ label: humanize(key), value: plain(value) }));
    return { kind: 'fields', fields };
  }
  return { kind: 'text', text: plain(parsed) };
}

function plain(value: unknown): string {
  if (value === true) return 'yes';
  if (value === false) return 'no';
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.map(plain).join(', ');
  if (typeof value === 'object') return Object.entries(value as Record<string, unknown>).map(([k, v]) => `${humanize(k)}: ${plain(v)}`).join('; ');
  return String(value);
}

/** The sources worth showing: a score of 0 means the server matched nothing and listed them anyway. */
export function relevantCitations(citations: readonly Citation[]): readonly Citation[] {
  return citations.filter((citation) => citation.score === undefined || citation.score > 0);
}

/** A citation's title; a bare URL as a title becomes its last path segment, in words. */
export function citationTitle(citation: Citation): string {
  const url = parseUrl(citation.title);
  if (url === undefined) return citation.title;
  const segment = url.pathname.split('/').filter((part) => part !== '').pop();
  return segment === undefined ? url.hostname : humanize(decodeURIComponent(segment).replace(/\.[a-z0-9]+$/i, ''));
}

/** Where the source lives (its host), shown next to the title. */
export function citationHost(citation: Citation): string | undefined {
  return parseUrl(citation.url ?? citation.title)?.hostname;
}

function parseUrl(text: string): URL | undefined {
  if (!/^https?:\/\//i.test(text)) return undefined;
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** Why something failed, for people: by the fault's stable `code`, never its message's wording. */
export function describeFault(fault: ChatFault | undefined): string {
  if (fault === undefined) return 'something went wrong.';
  switch (fault.code) {
    case 'CONVERSATION_LOST':
      return 'this conversation is no longer available.';
    case 'CONNECTION_CLOSED':
    case 'CONNECTION_ERROR':
    case 'CONNECTION_LOST':
      return 'the connection was lost.';
    case 'TURN_TIMEOUT':
      return 'the agent took too long to answer.';
    case 'TURN_STOPPED':
      return 'you stopped it before it was sent.';
    case 'RATE_LIMITED':
      return 'too many messages at once: wait a moment.';
    default:
      return fault.message;
  }
}
