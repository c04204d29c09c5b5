// NIfTI-1 (348-byte header) and NIfTI-2 (540-byte header) single-file volumes, read directly:
// the few header fields a 2D slicer needs are at fixed offsets (nifti1.h, nifti2.h), and doing
// it here avoids an ESM-only dependency that the CommonJS trainer bundle and tests cannot load.
import { gunzipSync } from 'fflate';
import { errorMessage } from '../../../shared/errors/errorMessage';

export interface NiftiHeader {
  /** Voxels along i, j, k (missing dimensions are 1). */
  dims: [number, number, number];
  datatype: number;
  voxOffset: number;
  slope: number;
  intercept: number;
  littleEndian: boolean;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Whether the bytes may be a NIfTI volume: gzip (a .nii.gz; the header is checked once unzipped), or
 * a first field (sizeof_hdr) of 348 or 540 in either byte order.
 */
export function looksLikeNifti(bytes: Uint8Array): boolean {
  if (isGzip(bytes)) return true;
  if (bytes.length < 4) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 4);
  return [348, 540].some((size) => view.getInt32(0, true) === size || view.getInt32(0, false) === size);
}

/** Gunzips .nii.gz data; plain .nii data is returned as is. */
export function niftiBytes(bytes: Uint8Array): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new Error(`cannot gunzip the volume: ${errorMessage(error)}`);
  }
}

export function readNiftiHeader(bytes: Uint8Array): NiftiHeader {
  if (bytes.length < 348) throw new Error('too short for a NIfTI header (348 bytes)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // sizeof_hdr tells the version and, read in the wrong byte order, the endianness.
  const little1 = view.getInt32(0, true);
  const big1 = view.getInt32(0, false);
  const version = little1 === 348 || big1 === 348 ? 1 : little1 === 540 || big1 === 540 ? 2 : 0;
  if (version === 0) throw new Error('not a NIfTI file (sizeof_hdr is neither 348 nor 540)');
  const littleEndian = little1 === 348 || little1 === 540;
  const magic = String.fromCharCode(...bytes.subarray(version === 1 ? 344 : 4, version === 1 ? 347 : 7));
  if (magic === 'ni1' || magic === 'ni2')
    throw new Error('a header of a .hdr/.img pair; only single-file .nii volumes are supported');
  if (magic !== 'n+1' && magic !== 'n+2') throw new Error(`not a NIfTI file (magic "${magic}")`);
  if (version === 2 && bytes.length < 540) throw new Error('too short for a NIfTI-2 header (540 bytes)');
  const dim = (index: number): number =>
    version === 1
      ? view.getInt16(40 + index * 2, littleEndian)
      : Number(view.getBigInt64(16 + index * 8, littleEndian));
  const rank = dim(0);
  if (rank < 2 || rank > 7) throw new Error(`dim[0] is ${rank}; expected a 2- to 7-dimensional image`);
  const size = (index: number): number => (index <= rank ? dim(index) : 1);
  return {
    dims: [size(1), size(2), size(3)],
    datatype: version === 1 ? view.getInt16(70, littleEndian) : view.getInt16(12, littleEndian),
    voxOffset:
      version === 1
        ? Math.max(352, Math.round(view.getFloat32(108, littleEndian)))
        : Number(view.getBigInt64(168, littleEndian)),
    slope: version === 1 ? view.getFloat32(112, littleEndian) : view.getFloat64(176, littleEndian),
    intercept: version === 1 ? view.getFloat32(116, littleEndian) : view.getFloat64(184, littleEndian),
    littleEndian,
  };
}
