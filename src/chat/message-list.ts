import type { ChatMessage } from './types.js';

/**
 * The chat's messages, oldest first: history pages are put in front, turns at the end. Messages
 * are immutable; a change replaces one entry. Live messages sit near the end, so finding one by
 * identity from the end costs a step or two, whatever the length of the history.
 */
export class MessageList {
  private items: ChatMessage[] = [];
  private snapshot: readonly ChatMessage[] | undefined = [];

  /** The messages now: the same array until something changes (cheap to read every emission). */
  get all(): readonly ChatMessage[] {
    return (this.snapshot ??= this.items.slice());
  }

  get length(): number {
    return this.items.length;
  }

  append(message: ChatMessage): void {
    this.items.push(message);
    this.snapshot = undefined;
  }

  /** Puts `message` right after `anchor` (its exchange's last message); at the end when the anchor is gone. */
  insertAfter(anchor: ChatMessage, message: ChatMessage): void {
    const index = this.items.lastIndexOf(anchor);
    if (index < 0) this.items.push(message);
    else this.items.splice(index + 1, 0, message);
    this.snapshot = undefined;
  }

  prepend(messages: readonly ChatMessage[]): void {
    if (messages.length === 0) return;
    this.items = [...messages, ...this.items];
    this.snapshot = undefined;
  }

  /** Replaces `before` by `after` (no-op when `before` is not listed any more). */
  replace(before: ChatMessage, after: ChatMessage): void {
    const index = this.items.lastIndexOf(before);
    if (index < 0) return;
    this.items[index] = after;
    this.snapshot = undefined;
  }

  remove(message: ChatMessage): void {
    const index = this.items.lastIndexOf(message);
    if (index < 0) return;
    this.items.splice(index, 1);
    this.snapshot = undefined;
  }

  /** The latest version of the message with this id. */
  find(id: string): ChatMessage | undefined {
    for (let i = this.items.length - 1; i >= 0; i--) if (this.items[i]?.id === id) return this.items[i];
    return undefined;
  }

  clear(): void {
    this.items = [];
    this.snapshot = [];
  }
}
