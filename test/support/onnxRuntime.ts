// Runs an exported .onnx model in onnxruntime-web's WebAssembly runtime, in this Node process: an
// independent implementation of every operator the exporter writes, to compare our model with.
import * as ort from 'onnxruntime-web';

let configured = false;

/** The probabilities (or features) the ONNX model gives for `images`, [batch, height, width, channels] in [0, 1]. */
export async function runOnnx(
  bytes: Uint8Array,
  images: Float32Array,
  shape: readonly number[],
): Promise<{ output: Float32Array; outputName: string }> {
  if (!configured) {
    // One thread: the machine is shared, and the worker threads would outlive the test.
    ort.env.wasm.numThreads = 1;
    configured = true;
  }
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  try {
    const [inputName] = session.inputNames;
    const [outputName] = session.outputNames;
    if (inputName === undefined || outputName === undefined) throw new Error('the ONNX model has no input or output');
    const results = await session.run({ [inputName]: new ort.Tensor('float32', images, [...shape]) });
    const output = results[outputName];
    if (output === undefined || !(output.data instanceof Float32Array)) throw new Error('no float32 output');
    return { output: output.data, outputName };
  } finally {
    await session.release();
  }
}

export const RELATIVE_TOLERANCE = 1e-4;
export const ABSOLUTE_TOLERANCE = 1e-5;

/**
 * How far `actual` is from `expected` in units of the tolerance: each value must be within 1e-4
 * of the expected one relatively, or within 1e-5 absolutely (a probability near 0 has no
 * meaningful relative error). ≤ 1 passes.
 */
export function toleranceUsed(actual: Float32Array, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let index = 0; index < expected.length; index++) {
    const want = expected[index] as number;
    const difference = Math.abs((actual[index] as number) - want);
    if (!Number.isFinite(difference)) return Number.POSITIVE_INFINITY;
    if (difference === 0) continue;
    worst = Math.max(
      worst,
      Math.min(difference / (RELATIVE_TOLERANCE * Math.abs(want)), difference / ABSOLUTE_TOLERANCE),
    );
  }
  return worst;
}
