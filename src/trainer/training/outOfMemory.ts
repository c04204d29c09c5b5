// Running out of memory shows up in many forms: V8's `RangeError: Array buffer allocation
// failed` or `Invalid typed array length` (the CPU backend and our batch buffers), Emscripten's
// `Aborted(OOM)` / `Cannot enlarge memory` (the wasm backend), tfjs-node's `OOM when allocating`,
// WebGPU's `out of memory`. Each becomes one message with the sizes that caused it and what to
// change.
export interface MemoryContext {
  /** Where it happened, e.g. `the finetune phase` or `loading the data`. */
  where: string;
  batchSize: number;
  /** [height, width, channels] of one image. */
  imageShape: readonly [number, number, number];
}

const OUT_OF_MEMORY =
  /array buffer allocation failed|invalid typed array length|invalid array length|out of memory|\bOOM\b|cannot enlarge memory|failed to allocate|memory access out of bounds|allocation failed|resource_exhausted/i;

export function isOutOfMemory(error: unknown): error is Error {
  if (!(error instanceof Error)) return false;
  if (error instanceof OutOfMemoryError) return false;
  return OUT_OF_MEMORY.test(error.message) || (error.name === 'RangeError' && /allocation|length/i.test(error.message));
}

export class OutOfMemoryError extends Error {
  constructor(context: MemoryContext, cause: Error) {
    const [height, width, channels] = context.imageShape;
    const batchMegabytes = (context.batchSize * height * width * channels * 4) / 2 ** 20;
    super(
      `out of memory in ${context.where} with batchSize ${context.batchSize} ` +
        `and images of ${height}×${width}×${channels} ` +
        `(${batchMegabytes.toFixed(batchMegabytes < 10 ? 1 : 0)} MB of input a batch, ` +
        'many times that in activations): ' +
        `lower \`training.batchSize\` (try ${Math.max(1, Math.floor(context.batchSize / 4))}) ` +
        'or `model.inputShape`, ' +
        `or keep the batch and compute it in parts (\`training.microBatchSize: ${Math.max(1, Math.floor(context.batchSize / 4))}\`), ` +
        `or use a backend with more memory (${cause.name}: ${firstLine(cause.message)})`,
    );
    this.name = 'OutOfMemoryError';
  }
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}…` : line;
}

/** Rethrows an out-of-memory error as an OutOfMemoryError with `context`; other errors unchanged. */
export function explainOutOfMemory(error: unknown, context: MemoryContext): unknown {
  return isOutOfMemory(error) ? new OutOfMemoryError(context, error) : error;
}
