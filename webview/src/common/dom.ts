// Small DOM builders. Run data (class names, file names, messages) is untrusted, so text only
// ever goes in through textContent and attributes through setAttribute: never innerHTML.

export type Child = Node | string | null | undefined | false;

export interface ElementOptions {
  className?: string;
  text?: string;
  attrs?: Readonly<Record<string, string | number | boolean | null | undefined>>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options?: ElementOptions,
  children?: readonly Child[],
): HTMLElementTagNameMap[K];
export function el(tag: string, options?: ElementOptions, children?: readonly Child[]): HTMLElement;
export function el(tag: string, options: ElementOptions = {}, children: readonly Child[] = []): HTMLElement {
  const element = document.createElement(tag);
  if (options.className) element.className = options.className;
  if (options.text !== undefined) element.textContent = options.text;
  setAttributes(element, options.attrs ?? {});
  append(element, children);
  return element;
}

export function setAttributes(
  element: Element,
  attrs: Readonly<Record<string, string | number | boolean | null | undefined>>,
): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) element.removeAttribute(name);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Replaces every child of `parent`. */
export function replaceChildren(parent: Element, children: readonly Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** Text for screen readers only. */
export function srOnly(text: string): HTMLSpanElement {
  return el('span', { className: 'sr-only', text });
}

let idCounter = 0;
/** A page-unique id for aria-labelledby / label[for]. */
export function uniqueId(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}
