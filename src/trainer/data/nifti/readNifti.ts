// NIfTI-1/2 volumes (.nii, .nii.gz) to 2D slices in [0, 1]. A 2D model sees a volume as the
// slices the experiment picks along one axis; each slice inherits the volume's label.
import type { IntensityWindow, SliceSpec } from '../../../shared/experiment/schema';
import type { DecodedImage } from '../decodeImage';
import { applyWindow } from '../dicom/windowing';
import { NON_FINITE_ADVICE, findNonFinite } from '../finitePixels';
import { niftiBytes, readNiftiHeader } from './niftiHeader';
import { counted } from '../../../shared/text/plural';

interface Volume {
  values: Float32Array;
  /** Voxels along i (x), j (y), k (z). */
  dims: [number, number, number];
}

type Reader = (view: DataView, offset: number, little: boolean) => number;
const READERS: Record<number, [number, Reader]> = {
  2: [1, (v, o) => v.getUint8(o)],
  4: [2, (v, o, l) => v.getInt16(o, l)],
  8: [4, (v, o, l) => v.getInt32(o, l)],
  16: [4, (v, o, l) => v.getFloat32(o, l)],
  64: [8, (v, o, l) => v.getFloat64(o, l)],
  256: [1, (v, o) => v.getInt8(o)],
  512: [2, (v, o, l) => v.getUint16(o, l)],
  768: [4, (v, o, l) => v.getUint32(o, l)],
};

function readVolume(file: Uint8Array): Volume {
  const bytes = niftiBytes(file);
  const header = readNiftiHeader(bytes);
  const [ni, nj, nk] = header.dims;
  if (ni < 1 || nj < 1 || nk < 1) throw new Error(`bad dimensions ${ni}×${nj}×${nk}`);
  const reader = READERS[header.datatype];
  if (!reader)
    throw new Error(`NIfTI datatype ${header.datatype} is not supported (uint8/16/32, int8/16/32, float32/64 are)`);
  const [size, read] = reader;
  const count = ni * nj * nk;
  if (bytes.length < header.voxOffset + count * size)
    throw new Error('the image data is shorter than the header says (truncated file?)');
  const view = new DataView(bytes.buffer, bytes.byteOffset + header.voxOffset, count * size);
  // scl_slope 0 means "no scaling" (nifti1.h, on scl_slope).
  const slope = header.slope !== 0 && Number.isFinite(header.slope) ? header.slope : 1;
  const intercept = header.slope !== 0 && Number.isFinite(header.intercept) ? header.intercept : 0;
  const values = new Float32Array(count);
  for (let v = 0; v < count; v++) values[v] = read(view, v * size, header.littleEndian) * slope + intercept;
  // Before the window: a NaN voxel would otherwise be sorted into the percentiles and spread.
  const found = findNonFinite(values, 1, [nk * nj, ni, 1]);
  if (found) {
    const k = Math.floor(found.row / nj);
    const j = found.row % nj;
    const total = found.values === 1 ? '' : ` (${found.values.toLocaleString('en')} non-finite voxels)`;
    throw new Error(`voxel (${found.column}, ${j}, ${k}) is ${String(found.value)}${total}: ${NON_FINITE_ADVICE}`);
  }
  return { values, dims: [ni, nj, nk] };
}

/** The value at `percent` of the sorted values (nearest rank). */
function percentile(sorted: Float32Array, percent: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round((percent / 100) * (sorted.length - 1))))] ?? 0;
}

/** Slice indices along an axis of `length` voxels. */
export function sliceIndices(spec: SliceSpec, length: number): number[] {
  if (spec.mode === 'middle') return [Math.floor((length - 1) / 2)];
  if (spec.mode === 'every') {
    const out: number[] = [];
    for (let s = 0; s < length; s += spec.step) out.push(s);
    return out;
  }
  const from = spec.from ?? 0;
  const to = Math.min(spec.to ?? length - 1, length - 1);
  if (from > to) throw new Error(`slice range ${from}..${to} is empty (the axis has ${counted(length, 'slice')})`);
  const out: number[] = [];
  for (let s = from; s <= to; s += spec.step) out.push(s);
  return out;
}

/**
 * Decodes a volume and returns its chosen slices, windowed (the experiment's window, else the
 * volume's 0.5–99.5 percentile range, robust to a few hot voxels). Slices are shown with the
 * first in-plane axis as columns: axial [j, i], coronal [k, i], sagittal [k, j].
 */
export function readNiftiSlices(
  bytes: Uint8Array,
  slices: SliceSpec,
  window: IntensityWindow | undefined,
): DecodedImage[] {
  const { values, dims } = readVolume(bytes);
  const [ni, nj, nk] = dims;
  let windowUsed = window;
  if (!windowUsed) {
    // Percentiles from at most ~1M evenly strided voxels: a 512×512×300 CT would otherwise
    // sort 78M values per volume, and a strided sample gives the same window to a few levels.
    const stride = Math.max(1, Math.floor(values.length / 1_048_576));
    const sorted =
      stride === 1
        ? values.slice().sort()
        : Float32Array.from({ length: Math.ceil(values.length / stride) }, (_, i) => values[i * stride] ?? 0).sort();
    const low = percentile(sorted, 0.5);
    const high = percentile(sorted, 99.5);
    windowUsed = { center: (low + high) / 2, width: Math.max(high - low, Number.EPSILON) };
  }
  const normalised = applyWindow(values, windowUsed, false);
  const at = (i: number, j: number, k: number): number => normalised[i + ni * (j + nj * k)] ?? 0;
  const axisLength = slices.axis === 'axial' ? nk : slices.axis === 'coronal' ? nj : ni;
  return sliceIndices(slices, axisLength).map((s) => {
    const [rows, columns] = slices.axis === 'axial' ? [nj, ni] : slices.axis === 'coronal' ? [nk, ni] : [nk, nj];
    const pixels = new Float32Array(rows * columns);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < columns; c++) {
        pixels[r * columns + c] =
          slices.axis === 'axial' ? at(c, r, s) : slices.axis === 'coronal' ? at(c, s, r) : at(s, c, r);
      }
    }
    return { pixels, shape: [rows, columns, 1], depth: 16, part: `${slices.axis} slice ${s}` };
  });
}
