// Temperature scaling (Guo et al., 2017): one scalar T divides the logits, fitted on the
// validation split by minimising the negative log-likelihood. Working from softmax outputs,
// log p is the logit up to a per-row constant, which softmax ignores, so no model change is needed.

/** log p floored where float32 softmax underflowed to 0. */
const LOG_FLOOR = Math.log(1e-38);

function logits(probabilities: Float32Array): Float64Array {
  return Float64Array.from(probabilities, (p) => (p > 0 ? Math.max(LOG_FLOOR, Math.log(p)) : LOG_FLOOR));
}

/** softmax(log p / T), row by row. */
export function applyTemperature(probabilities: Float32Array, classCount: number, temperature: number): Float32Array {
  const z = logits(probabilities);
  const out = new Float32Array(probabilities.length);
  for (let row = 0; row < probabilities.length; row += classCount) {
    let max = -Infinity;
    for (let k = 0; k < classCount; k++) max = Math.max(max, (z[row + k] as number) / temperature);
    let sum = 0;
    for (let k = 0; k < classCount; k++) sum += Math.exp((z[row + k] as number) / temperature - max);
    for (let k = 0; k < classCount; k++) out[row + k] = Math.exp((z[row + k] as number) / temperature - max) / sum;
  }
  return out;
}

/** Mean negative log-likelihood of the labels under softmax(β · log p). */
export function scaledNll(z: Float64Array, labels: Int32Array, classCount: number, beta: number): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const row = i * classCount;
    let max = -Infinity;
    for (let k = 0; k < classCount; k++) max = Math.max(max, beta * (z[row + k] as number));
    let total = 0;
    for (let k = 0; k < classCount; k++) total += Math.exp(beta * (z[row + k] as number) - max);
    sum -= beta * (z[row + (labels[i] as number)] as number) - max - Math.log(total);
  }
  return sum / labels.length;
}

/**
 * The temperature minimising the validation NLL, searched over T in [0.05, 20] by golden section
 * on β = 1/T (the NLL is convex in β). Null without validation cases.
 */
export function fitTemperature(probabilities: Float32Array, labels: Int32Array, classCount: number): number | null {
  if (labels.length === 0) return null;
  const z = logits(probabilities);
  const nll = (beta: number) => scaledNll(z, labels, classCount, beta);
  let low = 1 / 20;
  let high = 1 / 0.05;
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = high - ratio * (high - low);
  let b = low + ratio * (high - low);
  let fa = nll(a);
  let fb = nll(b);
  for (let step = 0; step < 80 && high - low > 1e-7; step++) {
    if (fa <= fb) {
      high = b;
      b = a;
      fb = fa;
      a = high - ratio * (high - low);
      fa = nll(a);
    } else {
      low = a;
      a = b;
      fa = fb;
      b = low + ratio * (high - low);
      fb = nll(b);
    }
  }
  return 1 / ((low + high) / 2);
}

/**
 * Binary: the threshold on the unscaled positive-class probability that matches `threshold` on the
 * scaled one (scaling is monotone there), so an app can apply it to the model's raw output.
 */
export function unscaledThreshold(threshold: number, temperature: number): number {
  if (threshold <= 0 || threshold >= 1) return threshold;
  const odds = (threshold / (1 - threshold)) ** temperature;
  return odds / (1 + odds);
}
