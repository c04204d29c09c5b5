// Limits for messages that come from outside the extension host's trust (a webview, a trainer
// child process): checked before a schema looks at them, so a huge, deeply nested or cyclic
// payload, or one carrying prototype-pollution keys (`__proto__`, `constructor`, `prototype`),
// is rejected without being copied, merged or trusted. The walk stops as soon as a limit is
// passed, so rejecting a 100 MB payload costs no more than measuring its first `maxBytes`.

export interface UntrustedLimits {
  /** The JSON size the message may have (strings counted by their UTF-16 length). */
  maxBytes: number;
  /** How deeply objects and arrays may nest. */
  maxDepth: number;
}

/** Keys that change an object's prototype or constructor when merged or assigned. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Why the value breaks a limit, or null when it is within them. */
export function untrustedInputProblem(value: unknown, limits: UntrustedLimits): string | null {
  let size = 0;
  const seen = new Set<object>();
  const visit = (node: unknown, depth: number): string | null => {
    if (node === null || typeof node === 'boolean') size += 5;
    else if (typeof node === 'number') size += 24;
    else if (typeof node === 'string') size += node.length + 2;
    else if (typeof node !== 'object') return `holds a ${typeof node}, which JSON has no form for`;
    if (size > limits.maxBytes) return `is larger than ${limits.maxBytes} bytes`;
    if (node === null || typeof node !== 'object') return null;
    if (depth >= limits.maxDepth) return `nests deeper than ${limits.maxDepth} levels`;
    if (seen.has(node)) return 'refers to itself';
    seen.add(node);
    if (Array.isArray(node)) {
      size += 2 + node.length;
      for (const item of node as unknown[]) {
        const problem = visit(item, depth + 1);
        if (problem) return problem;
      }
    } else {
      const prototype: unknown = Object.getPrototypeOf(node);
      if (prototype !== Object.prototype && prototype !== null) return 'is not a plain object';
      for (const key of Object.keys(node)) {
        if (FORBIDDEN_KEYS.has(key)) return `has the forbidden key "${key}"`;
        size += key.length + 4;
        const problem = visit((node as Record<string, unknown>)[key], depth + 1);
        if (problem) return problem;
      }
    }
    seen.delete(node);
    return size > limits.maxBytes ? `is larger than ${limits.maxBytes} bytes` : null;
  };
  return visit(value, 0);
}

/** A short, safe preview of an untrusted value for a log line (never the whole of a huge one). */
export function previewUntrusted(value: unknown, maxLength = 200): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > maxLength ? `${value.slice(0, maxLength)}…` : value);
  if (value === null || typeof value !== 'object') return String(value);
  if (untrustedInputProblem(value, { maxBytes: 64 * 1024, maxDepth: 64 }) !== null) {
    return Array.isArray(value)
      ? `an array of ${value.length} items`
      : `an object with keys ${Object.keys(value)
          .slice(0, 10)
          .map((key) => JSON.stringify(key))
          .join(', ')}`;
  }
  try {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
  } catch {
    return typeof value;
  }
}
