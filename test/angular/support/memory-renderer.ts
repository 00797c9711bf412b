/**
 * A DOM-free renderer for component tests under Jest's node environment (no jsdom here): Angular
 * renders into plain objects, the test reads their text and fires their listeners. Only what
 * templates of text, `@if`/`@for`, attributes and event bindings need.
 */
import { Injectable, Renderer2, RendererFactory2, type RendererType2 } from '@angular/core';

export class MemoryNode {
  parent: MemoryNode | undefined;
  readonly children: MemoryNode[] = [];
  readonly attributes = new Map<string, string>();
  readonly properties = new Map<string, unknown>();
  readonly listeners = new Map<string, Array<(event: unknown) => unknown>>();

  constructor(
    readonly kind: 'element' | 'text' | 'comment',
    readonly name: string,
    public value = '',
  ) {}

  /** The concatenated text below this node, as `textContent` would give it (comments excluded). */
  get textContent(): string {
    if (this.kind === 'text') return this.value;
    if (this.kind === 'comment') return '';
    return this.children.map((child) => child.textContent).join('');
  }

  /** Every element below (depth first) that `match` accepts. */
  findAll(match: (node: MemoryNode) => boolean): MemoryNode[] {
    const found: MemoryNode[] = [];
    for (const child of this.children) {
      if (child.kind === 'element' && match(child)) found.push(child);
      found.push(...child.findAll(match));
    }
    return found;
  }

  /** The first element named `name` (e.g. `button`) whose text contains `text`, if given. */
  find(name: string, text?: string): MemoryNode {
    const [node] = this.findAll((n) => n.name === name && (text === undefined || n.textContent.includes(text)));
    if (node === undefined) throw new Error(`no <${name}>${text !== undefined ? ` containing "${text}"` : ''} in: ${this.textContent}`);
    return node;
  }

  /** Calls the listeners of `eventName`, as a DOM event would. */
  dispatch(eventName: string, event: unknown = { type: eventName }): void {
    for (const listener of [...(this.listeners.get(eventName) ?? [])]) listener(event);
  }
}

const detach = (node: MemoryNode): void => {
  if (node.parent === undefined) return;
  const siblings = node.parent.children;
  siblings.splice(siblings.indexOf(node), 1);
  node.parent = undefined;
};

class MemoryRenderer extends Renderer2 {
  readonly data: { [key: string]: unknown } = {};
  override destroyNode = null;
  constructor(private readonly roots: Map<string, MemoryNode>) {
    super();
  }
  destroy(): void {}
  createElement(name: string): MemoryNode {
    return new MemoryNode('element', name);
  }
  createComment(value: string): MemoryNode {
    return new MemoryNode('comment', '#comment', value);
  }
  createText(value: string): MemoryNode {
    return new MemoryNode('text', '#text', value);
  }
  appendChild(parent: MemoryNode, child: MemoryNode): void {
    detach(child);
    child.parent = parent;
    parent.children.push(child);
  }
  insertBefore(parent: MemoryNode, child: MemoryNode, ref: MemoryNode | null): void {
    if (ref === null || ref === undefined) return this.appendChild(parent, child);
    detach(child);
    child.parent = parent;
    parent.children.splice(parent.children.indexOf(ref), 0, child);
  }
  removeChild(_parent: MemoryNode | null, child: MemoryNode): void {
    detach(child);
  }
  selectRootElement(selectorOrNode: string | MemoryNode): MemoryNode {
    if (typeof selectorOrNode !== 'string') return selectorOrNode;
    const root = this.roots.get(selectorOrNode) ?? new MemoryNode('element', 'root');
    this.roots.set(selectorOrNode, root);
    return root;
  }
  parentNode(node: MemoryNode): MemoryNode | null {
    return node.parent ?? null;
  }
  nextSibling(node: MemoryNode): MemoryNode | null {
    const siblings = node.parent?.children ?? [];
    return siblings[siblings.indexOf(node) + 1] ?? null;
  }
  setAttribute(el: MemoryNode, name: string, value: string): void {
    el.attributes.set(name, value);
  }
  removeAttribute(el: MemoryNode, name: string): void {
    el.attributes.delete(name);
  }
  addClass(): void {}
  removeClass(): void {}
  setStyle(): void {}
  removeStyle(): void {}
  setProperty(el: MemoryNode, name: string, value: unknown): void {
    el.properties.set(name, value);
  }
  setValue(node: MemoryNode, value: string): void {
    node.value = value;
  }
  listen(target: MemoryNode, eventName: string, callback: (event: unknown) => boolean | void): () => void {
    const list = target.listeners.get(eventName) ?? [];
    list.push(callback);
    target.listeners.set(eventName, list);
    return () => list.splice(list.indexOf(callback), 1);
  }
}

@Injectable()
export class MemoryRendererFactory extends RendererFactory2 {
  private readonly roots = new Map<string, MemoryNode>();
  private readonly renderer = new MemoryRenderer(this.roots);
  createRenderer(_host: unknown, _type: RendererType2 | null): Renderer2 {
    return this.renderer;
  }
  begin(): void {}
  end(): void {}
  whenRenderingDone(): Promise<void> {
    return Promise.resolve();
  }
}
