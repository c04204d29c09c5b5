// The inverse power law of learning curves, error = a·n^(−b) + c (n: labels per class, c: the
// error the model approaches with unlimited labels), fitted by least squares with
// Levenberg–Marquardt as scipy's curve_fit does (unbounded, unweighted), with the same parameter
// covariance: s²·(JᵀJ)⁻¹, s² = SSE / (m − 3). Three parameters need no library: the normal
// equations are 3×3. The tests compare it with curve_fit on the same points.

export interface PowerLawPoint {
  n: number;
  error: number;
}

export interface PowerLawFit {
  a: number;
  b: number;
  c: number;
  /** Covariance of (a, b, c); null with three points or fewer, or a singular JᵀJ. */
  covariance: number[][] | null;
  sse: number;
  /** Degrees of freedom of the residuals: points − 3. */
  df: number;
}

export function powerLawValue(fit: Pick<PowerLawFit, 'a' | 'b' | 'c'>, n: number): number {
  return fit.a * n ** -fit.b + fit.c;
}

/** Least-squares fit; null with fewer than 3 distinct label counts, or when it does not converge to finite values. */
export function fitPowerLaw(points: readonly PowerLawPoint[]): PowerLawFit | null {
  const usable = points.filter((point) => point.n > 0 && Number.isFinite(point.n) && Number.isFinite(point.error));
  if (new Set(usable.map((point) => point.n)).size < 3) return null;
  let params = initialGuess(usable);
  let sse = sumOfSquares(usable, params);
  let lambda = 1e-3;
  for (let iteration = 0; iteration < 500; iteration++) {
    const { jtj, jtr } = normalEquations(usable, params);
    const damped = jtj.map((row, i) => row.map((value, j) => (i === j ? value * (1 + lambda) + 1e-300 : value)));
    const step = solve3(
      damped,
      jtr.map((value) => -value),
    );
    if (step === null) break;
    const candidate = params.map((value, i) => value + (step[i] ?? 0)) as Params;
    const candidateSse = sumOfSquares(usable, candidate);
    if (Number.isFinite(candidateSse) && candidateSse <= sse) {
      const converged = sse - candidateSse <= 1e-15 * Math.max(sse, 1e-300) || maxRelative(step, candidate) < 1e-12;
      params = candidate;
      sse = candidateSse;
      lambda = Math.max(lambda / 10, 1e-12);
      if (converged) break;
    } else {
      lambda *= 10;
      if (lambda > 1e12) break;
    }
  }
  const [a, b, c] = params;
  if (![a, b, c, sse].every(Number.isFinite)) return null;
  const df = usable.length - 3;
  const inverse = df > 0 ? invert3(normalEquations(usable, params).jtj) : null;
  const s2 = df > 0 ? sse / df : NaN;
  return {
    a,
    b,
    c,
    covariance: inverse === null ? null : inverse.map((row) => row.map((value) => value * s2)),
    sse,
    df,
  };
}

type Params = [number, number, number];

/** c below the smallest error, then a and b from a straight line through log(error − c) against log n. */
function initialGuess(points: readonly PowerLawPoint[]): Params {
  const errors = points.map((point) => point.error);
  const smallest = Math.min(...errors);
  const c = smallest > 0 ? smallest / 2 : smallest - 0.01;
  const xs = points.map((point) => Math.log(point.n));
  const ys = points.map((point) => Math.log(Math.max(point.error - c, 1e-9)));
  const meanX = xs.reduce((sum, x) => sum + x, 0) / xs.length;
  const meanY = ys.reduce((sum, y) => sum + y, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, i) => {
    sxy += (x - meanX) * ((ys[i] ?? 0) - meanY);
    sxx += (x - meanX) ** 2;
  });
  const slope = sxx > 0 ? sxy / sxx : -0.5;
  return [Math.exp(meanY - slope * meanX), -slope, c];
}

function sumOfSquares(points: readonly PowerLawPoint[], [a, b, c]: Params): number {
  return points.reduce((sum, point) => sum + (a * point.n ** -b + c - point.error) ** 2, 0);
}

function normalEquations(points: readonly PowerLawPoint[], [a, b, c]: Params): { jtj: number[][]; jtr: number[] } {
  const jtj = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const jtr = [0, 0, 0];
  for (const point of points) {
    const power = point.n ** -b;
    const row = [power, -a * power * Math.log(point.n), 1];
    const residual = a * power + c - point.error;
    for (let i = 0; i < 3; i++) {
      jtr[i] = (jtr[i] ?? 0) + (row[i] ?? 0) * residual;
      const jtjRow = jtj[i] ?? [];
      for (let j = 0; j < 3; j++) jtjRow[j] = (jtjRow[j] ?? 0) + (row[i] ?? 0) * (row[j] ?? 0);
    }
  }
  return { jtj, jtr };
}

function maxRelative(step: readonly number[], params: readonly number[]): number {
  return Math.max(...step.map((value, i) => Math.abs(value) / Math.max(Math.abs(params[i] ?? 0), 1e-12)));
}

function determinant3(m: number[][]): number {
  const [[a = 0, b = 0, c = 0] = [], [d = 0, e = 0, f = 0] = [], [g = 0, h = 0, i = 0] = []] = m;
  return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
}

/** The inverse of a 3×3 matrix (adjugate over determinant), null when singular. */
export function invert3(m: number[][]): number[][] | null {
  const [[a = 0, b = 0, c = 0] = [], [d = 0, e = 0, f = 0] = [], [g = 0, h = 0, i = 0] = []] = m;
  const det = determinant3(m);
  const scale = Math.max(...m.flat().map(Math.abs));
  if (!Number.isFinite(det) || Math.abs(det) <= 1e-14 * scale ** 3) return null;
  return [
    [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
    [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
    [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
  ];
}

function solve3(m: number[][], rhs: number[]): number[] | null {
  const inverse = invert3(m);
  if (inverse === null) return null;
  return inverse.map((row) => row.reduce((sum, value, j) => sum + value * (rhs[j] ?? 0), 0));
}
