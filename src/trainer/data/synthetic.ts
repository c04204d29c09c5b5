// Built-in, deterministic "medical-like" images, so the demo and the tests run with no files.
//
// The two tasks are built so that transfer learning has something to transfer:
// - source: 4 classes (no lesion, round, elongated, ring lesion), bright high-contrast lesions
//   on smooth tissue with faint vessels and texture, little noise: easy to learn, and learning
//   it forces a network to build blob, edge and ring detectors.
// - target: normal vs lesion, where the lesion is small, faint, round or irregular, and the
//   "scanner" differs (other exposure and contrast, blur, vignetting, much more noise). With a
//   few dozen labels a network from scratch struggles to find such lesions in the noise; one
//   that already has blob detectors from the source only has to re-weigh them.
// The same tissue generator and lesion polarity (brighter than tissue) are used in both, so
// the features are shared while the domains stay visibly different.
// The amplitudes, sizes and noise levels below were tuned with the seed CNN (PyTorch, 28×28,
// 20 target labels per class, 9 seeds; head 60 epochs, fine-tune 40 at 1e-4, scratch 100):
// from scratch the target test AUC has a median of 0.61 (0.51–0.96); pretrained 3 epochs on
// 2,800 source images then fine-tuned, 0.80 (0.68–0.85), and 0.87–0.99 when the source is
// trained to ~98%; trained on the full target training split, usually about 0.99. Much fainter
// lesions and even full-data training fails; much stronger ones and 40 labels are enough.
import { DatasetError } from './dataset';
import type { ImageSet, ImageShape, LoadedDataset } from './dataset';
import { floatStore } from './imageStore';
import { SeededRandom } from '../random';
import { stratifiedSplit } from './splits';

export type SyntheticTask = 'source' | 'target';

export const SOURCE_CLASSES = ['normal', 'round', 'elongated', 'ring'];
export const TARGET_CLASSES = ['normal', 'lesion'];
/** train / val / test shares of the generated images (stratified). */
export const SYNTHETIC_SPLIT = [0.7, 0.15, 0.15];

/**
 * Pixel centres in "units": distances are measured relative to the shorter side (1 unit),
 * centred on the image, so a lesion covers the same share of a 28×28 and a 64×64 image.
 */
interface Grid {
  height: number;
  width: number;
  /** Pixels per unit (the shorter side). */
  scale: number;
  ux: Float32Array;
  uy: Float32Array;
  /** Scratch rows for separable bumps. */
  bumpX: Float32Array;
  bumpY: Float32Array;
}

function createGrid(height: number, width: number): Grid {
  const scale = Math.min(height, width);
  return {
    height,
    width,
    scale,
    ux: Float32Array.from({ length: width }, (_, x) => (x + 0.5 - width / 2) / scale),
    uy: Float32Array.from({ length: height }, (_, y) => (y + 0.5 - height / 2) / scale),
    bumpX: new Float32Array(width),
    bumpY: new Float32Array(height),
  };
}

/** Adds amplitude × a Gaussian bump; separable, so it costs one multiply-add per pixel. */
function addBump(gray: Float32Array, grid: Grid, cx: number, cy: number, sigma: number, amplitude: number): void {
  const inverse = 1 / (2 * sigma * sigma);
  grid.ux.forEach((u, x) => (grid.bumpX[x] = Math.exp(-(u - cx) * (u - cx) * inverse)));
  grid.uy.forEach((v, y) => (grid.bumpY[y] = amplitude * Math.exp(-(v - cy) * (v - cy) * inverse)));
  for (let y = 0, i = 0; y < grid.height; y++) {
    const row = grid.bumpY[y] ?? 0;
    for (let x = 0; x < grid.width; x++, i++) gray[i] = (gray[i] ?? 0) + row * (grid.bumpX[x] ?? 0);
  }
}

interface TissueStyle {
  level: number;
  /** Amplitude of the broad structures (organs, soft tissue). */
  broad: number;
  /** Amplitude of the small texture bumps: faint lesion look-alikes present in every class. */
  texture: number;
  vessels: number;
}

/** Smooth tissue: a tilted level, broad bumps, small texture bumps and thin wavy vessels. */
function paintTissue(gray: Float32Array, grid: Grid, random: SeededRandom, style: TissueStyle): void {
  const tiltX = random.uniform(-0.12, 0.12);
  const tiltY = random.uniform(-0.12, 0.12);
  for (let y = 0, i = 0; y < grid.height; y++) {
    for (let x = 0; x < grid.width; x++, i++)
      gray[i] = style.level + tiltX * (grid.ux[x] ?? 0) + tiltY * (grid.uy[y] ?? 0);
  }
  for (let k = 0; k < 4; k++) {
    addBump(
      gray,
      grid,
      random.uniform(-0.4, 0.4),
      random.uniform(-0.4, 0.4),
      random.uniform(0.15, 0.35),
      style.broad * random.uniform(-1, 1),
    );
  }
  const minimumSigma = 0.8 / grid.scale; // at least about a pixel, or it vanishes at 28×28
  for (let k = 0; k < 8; k++) {
    const sigma = Math.max(minimumSigma, random.uniform(0.02, 0.05));
    addBump(
      gray,
      grid,
      random.uniform(-0.45, 0.45),
      random.uniform(-0.45, 0.45),
      sigma,
      style.texture * random.uniform(-1, 1),
    );
  }
  const vesselCount = 1 + random.integer(2);
  for (let k = 0; k < vesselCount; k++) paintVessel(gray, grid, random, style.vessels * random.uniform(0.6, 1));
}

/** A thin wavy line: elongated like the source's elongated lesions, but thin and faint. */
function paintVessel(gray: Float32Array, grid: Grid, random: SeededRandom, amplitude: number): void {
  const cx = random.uniform(-0.3, 0.3);
  const cy = random.uniform(-0.3, 0.3);
  const angle = random.uniform(0, Math.PI);
  const tx = Math.cos(angle);
  const ty = Math.sin(angle);
  const wiggle = random.uniform(0.02, 0.06);
  const frequency = random.uniform(4, 9);
  const phase = random.uniform(0, 2 * Math.PI);
  const halfWidth = Math.max(0.7 / grid.scale, random.uniform(0.012, 0.02));
  for (let y = 0, i = 0; y < grid.height; y++) {
    const dy = (grid.uy[y] ?? 0) - cy;
    for (let x = 0; x < grid.width; x++, i++) {
      const dx = (grid.ux[x] ?? 0) - cx;
      const distance = (-dx * ty + dy * tx - wiggle * Math.sin(frequency * (dx * tx + dy * ty) + phase)) / halfWidth;
      if (distance > -1 && distance < 1) {
        const falloff = 1 - distance * distance;
        gray[i] = (gray[i] ?? 0) + amplitude * falloff * falloff;
      }
    }
  }
}

/** Signed distance (units) from a point, relative to the lesion centre, to the lesion's edge. */
type LesionShape = (dx: number, dy: number) => number;

function roundShape(radius: number): LesionShape {
  return (dx, dy) => Math.hypot(dx, dy) - radius;
}

function elongatedShape(long: number, short: number, angle: number): LesionShape {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  // Distance in the ellipse's normalised radius, scaled by the short axis: exact on the short
  // axis, close enough elsewhere for an anti-aliased edge.
  return (dx, dy) => {
    const along = (dx * cos + dy * sin) / long;
    const across = (-dx * sin + dy * cos) / short;
    return (Math.hypot(along, across) - 1) * short;
  };
}

function ringShape(radius: number, halfThickness: number): LesionShape {
  return (dx, dy) => Math.abs(Math.hypot(dx, dy) - radius) - halfThickness;
}

function irregularShape(radius: number, random: SeededRandom): LesionShape {
  const a2 = random.uniform(0.1, 0.25);
  const a3 = random.uniform(0.05, 0.2);
  const p2 = random.uniform(0, 2 * Math.PI);
  const p3 = random.uniform(0, 2 * Math.PI);
  return (dx, dy) => {
    const theta = Math.atan2(dy, dx);
    return Math.hypot(dx, dy) - radius * (1 + a2 * Math.sin(2 * theta + p2) + a3 * Math.sin(3 * theta + p3));
  };
}

/** Adds a lesion with a one-pixel anti-aliased edge and a slightly domed inside. */
function paintLesion(
  gray: Float32Array,
  grid: Grid,
  shape: LesionShape,
  cx: number,
  cy: number,
  extent: number,
  amplitude: number,
): void {
  const edge = 1 / grid.scale;
  const reach = extent + edge;
  for (let y = 0, i = 0; y < grid.height; y++) {
    const dy = (grid.uy[y] ?? 0) - cy;
    if (dy < -reach || dy > reach) {
      i += grid.width;
      continue;
    }
    for (let x = 0; x < grid.width; x++, i++) {
      const dx = (grid.ux[x] ?? 0) - cx;
      if (dx < -reach || dx > reach) continue;
      const distance = shape(dx, dy);
      const coverage = Math.min(1, Math.max(0, 0.5 - distance / edge));
      if (coverage > 0) {
        const dome = 1 - 0.2 * Math.min(1, (dx * dx + dy * dy) / (extent * extent));
        gray[i] = (gray[i] ?? 0) + amplitude * coverage * dome;
      }
    }
  }
}

function paintSourceLesion(gray: Float32Array, grid: Grid, random: SeededRandom, label: number): void {
  if (label === 0) return;
  const cx = random.uniform(-0.22, 0.22);
  const cy = random.uniform(-0.22, 0.22);
  const amplitude = random.uniform(0.35, 0.55);
  if (label === 1) {
    const radius = random.uniform(0.09, 0.16);
    paintLesion(gray, grid, roundShape(radius), cx, cy, radius, amplitude);
  } else if (label === 2) {
    const long = random.uniform(0.2, 0.3);
    const short = Math.max(1.2 / grid.scale, random.uniform(0.035, 0.055));
    paintLesion(gray, grid, elongatedShape(long, short, random.uniform(0, Math.PI)), cx, cy, long, amplitude);
  } else {
    const radius = random.uniform(0.11, 0.17);
    // At least ~1.5 pixels thick, or a ring at 28×28 blurs into a disk.
    const halfThickness = Math.max(0.75 / grid.scale, random.uniform(0.025, 0.04));
    paintLesion(gray, grid, ringShape(radius, halfThickness), cx, cy, radius + halfThickness, amplitude);
  }
}

function paintTargetLesion(gray: Float32Array, grid: Grid, random: SeededRandom): void {
  const cx = random.uniform(-0.25, 0.25);
  const cy = random.uniform(-0.25, 0.25);
  const radius = Math.max(1.2 / grid.scale, random.uniform(0.06, 0.1));
  const amplitude = random.uniform(0.2, 0.35);
  const shape = random.next() < 0.5 ? roundShape(radius) : irregularShape(radius, random);
  paintLesion(gray, grid, shape, cx, cy, radius * 1.5, amplitude);
}

/** Separable Gaussian blur in place (the target scanner's softer optics). */
function blur(gray: Float32Array, scratch: Float32Array, grid: Grid, sigma: number): void {
  const radius = Math.max(1, Math.ceil(2 * sigma));
  const kernel = Float32Array.from({ length: 2 * radius + 1 }, (_, k) =>
    Math.exp(-((k - radius) ** 2) / (2 * sigma * sigma)),
  );
  const total = kernel.reduce((a, b) => a + b, 0);
  kernel.forEach((value, k) => (kernel[k] = value / total));
  const { height, width } = grid;
  const pass = (from: Float32Array, to: Float32Array, horizontal: boolean): void => {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let sum = 0;
        for (let k = -radius; k <= radius; k++) {
          // Edge clamp: the border is not darkened by imaginary black pixels.
          const sx = horizontal ? Math.min(width - 1, Math.max(0, x + k)) : x;
          const sy = horizontal ? y : Math.min(height - 1, Math.max(0, y + k));
          sum += (kernel[k + radius] ?? 0) * (from[sy * width + sx] ?? 0);
        }
        to[y * width + x] = sum;
      }
    }
  };
  pass(gray, scratch, true);
  pass(scratch, gray, false);
}

/** Near-Gaussian noise from the sum of 4 uniforms: no log, sqrt or cos per pixel as in Box–Muller. */
function noise(random: SeededRandom, sigma: number): number {
  // Sum of 4 U(0,1) has variance 4/12; scale to unit variance.
  return (random.next() + random.next() + random.next() + random.next() - 2) * 1.7320508 * sigma;
}

const SOURCE_TISSUE: TissueStyle = { level: 0.32, broad: 0.12, texture: 0.04, vessels: 0.07 };
const TARGET_TISSUE: TissueStyle = { level: 0.42, broad: 0.1, texture: 0.05, vessels: 0.07 };
// Per-task tint for colour shapes: warm for the source scanner, cool for the target one.
const SOURCE_TINT = [1, 0.86, 0.74];
const TARGET_TINT = [0.8, 0.92, 1];

function renderSource(gray: Float32Array, grid: Grid, random: SeededRandom, label: number): void {
  paintTissue(gray, grid, random, SOURCE_TISSUE);
  paintSourceLesion(gray, grid, random, label);
  const sigma = random.uniform(0.01, 0.02);
  for (let i = 0; i < gray.length; i++) gray[i] = (gray[i] ?? 0) + noise(random, sigma);
}

function renderTarget(
  gray: Float32Array,
  scratch: Float32Array,
  grid: Grid,
  random: SeededRandom,
  label: number,
): void {
  paintTissue(gray, grid, random, TARGET_TISSUE);
  if (label === 1) paintTargetLesion(gray, grid, random);
  blur(gray, scratch, grid, Math.max(0.5, 0.018 * grid.scale));
  // Exposure: compressed contrast, lifted blacks, a gamma; then vignetting and sensor noise.
  const gain = random.uniform(0.55, 0.75);
  const offset = random.uniform(0.14, 0.24);
  const gamma = random.uniform(0.8, 1.2);
  const vignette = random.uniform(0.2, 0.4);
  const sigma = random.uniform(0.025, 0.04);
  for (let y = 0, i = 0; y < grid.height; y++) {
    const v = grid.uy[y] ?? 0;
    for (let x = 0; x < grid.width; x++, i++) {
      const u = grid.ux[x] ?? 0;
      const exposed = offset + gain * Math.max(0, gray[i] ?? 0) ** gamma;
      gray[i] = exposed * (1 - vignette * 2 * (u * u + v * v)) + noise(random, sigma);
    }
  }
}

/** Writes a gray image into the output as 1 channel, gray+opaque, or tinted colour (+opaque). */
function writeImage(out: Float32Array, offset: number, gray: Float32Array, channels: number, tint: number[]): void {
  for (let p = 0, o = offset; p < gray.length; p++, o += channels) {
    const value = Math.min(1, Math.max(0, gray[p] ?? 0));
    if (channels < 3) {
      out[o] = value;
      if (channels === 2) out[o + 1] = 1;
    } else {
      for (let c = 0; c < 3; c++) out[o + c] = Math.min(1, value * (tint[c] ?? 1));
      for (let c = 3; c < channels; c++) out[o + c] = 1;
    }
  }
}

/**
 * Generates `samples` images of `shape` for a task, balanced over its classes, split 70/15/15
 * (stratified). The same seed, task, count and shape always give the same images.
 */
export function generateSynthetic(
  task: SyntheticTask,
  samples: number,
  shape: ImageShape,
  seed: number,
): LoadedDataset {
  const [height, width, channels] = shape;
  if (!Number.isInteger(samples) || samples < 1)
    throw new DatasetError(`synthetic samples must be a positive integer, got ${samples}`);
  if (![height, width, channels].every((size) => Number.isInteger(size) && size > 0)) {
    throw new DatasetError(`synthetic image shape must be positive integers, got [${shape.join(', ')}]`);
  }
  const classes = task === 'source' ? SOURCE_CLASSES : TARGET_CLASSES;
  // One stream per task, so source and target drawn with the same experiment seed differ.
  const root = new SeededRandom(seed);
  const random = root.fork(task === 'source' ? 'syntheticSourceImages' : 'syntheticTargetImages');
  const splitRandom = root.fork(task === 'source' ? 'syntheticSourceSplit' : 'syntheticTargetSplit');
  const labels = Int32Array.from({ length: samples }, (_, index) => index % classes.length);
  const order = random.shuffle(Array.from(labels));
  labels.set(order);
  const grid = createGrid(height, width);
  const gray = new Float32Array(height * width);
  const scratch = new Float32Array(height * width);
  const images = new Float32Array(samples * height * width * channels);
  const tint = task === 'source' ? SOURCE_TINT : TARGET_TINT;
  for (let n = 0; n < samples; n++) {
    const label = labels[n] ?? 0;
    if (task === 'source') renderSource(gray, grid, random, label);
    else renderTarget(gray, scratch, grid, random, label);
    // A little per-image colour variation, as between stain batches or monitor calibrations.
    const imageTint = channels >= 3 ? tint.map((value) => value * random.uniform(0.96, 1.04)) : tint;
    writeImage(images, n * height * width * channels, gray, channels, imageTint);
  }
  const generated: ImageShape = [height, width, channels];
  // Generated values are kept as float32: they are the data, not a quantised reading of it.
  const all: ImageSet = { images: floatStore(images, samples, generated), labels, count: samples, shape: generated };
  const [train, val, test] = stratifiedSplit(all, SYNTHETIC_SPLIT, splitRandom);
  if (!train || !val || !test) throw new Error('stratifiedSplit returned fewer parts than asked');
  return {
    description: `synthetic ${task} (${samples} images, ${classes.length} classes)`,
    classes: [...classes],
    train,
    val,
    test,
  };
}
