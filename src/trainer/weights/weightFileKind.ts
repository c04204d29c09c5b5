// Which reader a weight file needs, from its first bytes, whatever its name ends with: HDF5's
// signature (Keras .h5), a zip or a pickle (torch.save), or a safetensors header.
import { open } from 'node:fs/promises';
import { isPytorchFile } from './pytorchFile';

export type WeightFileKind = 'hdf5' | 'pytorch' | 'safetensors';

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export async function firstBytes(path: string, count: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(count), 0, count, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function looksLikeSafetensors(start: Uint8Array): boolean {
  if (start.length < 10) return false;
  const length = new DataView(start.buffer, start.byteOffset, 8).getBigUint64(0, true);
  return length > 1n && length < 100_000_000n && start[8] === 0x7b; // '{'
}

/** The kind of `start` (a file's first 16 bytes), or null for no weight file MedTransfer reads. */
export function weightFileKindOf(start: Uint8Array): WeightFileKind | null {
  if (HDF5_SIGNATURE.every((byte, index) => start[index] === byte)) return 'hdf5';
  if (isPytorchFile(start)) return 'pytorch';
  if (looksLikeSafetensors(start)) return 'safetensors';
  return null;
}

export async function weightFileKind(path: string): Promise<WeightFileKind | null> {
  return weightFileKindOf(await firstBytes(path, 16));
}

export const NOT_A_WEIGHT_FILE =
  'not a weight file MedTransfer reads (PyTorch .pth/.pt/.bin, .safetensors or Keras .h5)';
