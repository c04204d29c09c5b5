// What was thrown, as text for a user or a log. JavaScript throws anything: Errors, strings,
// numbers (Emscripten's aborts), objects that carry a message without being Errors (WebGPU's
// GPUError), so every catch that reports what went wrong goes through here.

/** An Error's message (its name when the message is empty), another object's `message`, else the value as text. */
export function errorMessage(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message || thrown.name;
  if (typeof thrown === 'object' && thrown !== null && 'message' in thrown && typeof thrown.message === 'string')
    return thrown.message;
  return asText(thrown);
}

/** The stack trace where there is one (for debug output), else the message. */
export function errorStack(thrown: unknown): string {
  return thrown instanceof Error && thrown.stack ? thrown.stack : errorMessage(thrown);
}

/** String(), which throws for an object without a prototype or with a throwing toString. */
function asText(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
