// A pickled tensor's values out of its storage's bytes: from the storage offset, in row-major
// order. Only contiguous tensors are read (what state_dict() gives for every torchvision, timm
// and TorchXRayVision model); a transposed or sliced view is refused with what to do instead.
import { STORED_DTYPES, readStoredValues } from './storedValues';
import { WeightFileError, elementCount } from './tensorMap';
import type { TensorEntry } from './tensorMap';
import type { PickledTensor } from './torchPickle';

function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  if (stride.length !== shape.length) return false;
  let expected = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const size = shape[axis] ?? 0;
    if (size === 0) return true;
    // A dimension of size 1 is never stepped along: its stride does not matter.
    if (size !== 1 && stride[axis] !== expected) return false;
    expected *= size;
  }
  return true;
}

/** `bytes`: the storage's bytes (a zip entry, or the slice of a legacy file after its size). */
export function pickledTensorValues(
  fileName: string,
  name: string,
  tensor: PickledTensor,
  bytes: Uint8Array,
): TensorEntry {
  const { shape, stride, offset, storage } = tensor;
  if (!isContiguous(shape, stride)) {
    throw new WeightFileError(
      `${fileName}: \`${name}\` is not contiguous (shape [${shape.join(', ')}], stride [${stride.join(', ')}]); ` +
        'save `{k: v.contiguous() for k, v in state_dict.items()}` instead',
    );
  }
  const count = elementCount(shape);
  const size = STORED_DTYPES[storage.dtype].bytes;
  if ((offset + count) * size > bytes.length) {
    throw new WeightFileError(
      `${fileName}: \`${name}\` needs elements ${offset}–${offset + count} of storage ${storage.key}, ` +
        `which holds ${Math.floor(bytes.length / size)} (truncated or corrupt)`,
    );
  }
  return {
    shape: [...shape],
    values: readStoredValues(bytes, offset * size, count, storage.dtype),
    sourceDtype: storage.dtype,
  };
}
