// MedMNIST(+) .npz files whose images pass the memory budget (pathmnist_224.npz holds 16 GB of
// pixels): the images are read a batch at a time instead of being held. A stored (np.savez) member
// is read in place in the .npz; a deflated one (np.savez_compressed, as MedMNIST ships them) is
// inflated once into a temporary file that is unlinked at once (only this process can reach it, so
// it needs no integrity check; it is gone when the run ends), then read from there.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { DatasetError } from './dataset';
import type { ImageSet, LoadedDataset } from './dataset';
import { FileImageStore } from './fileImageStore';
import type { PixelFile } from './fileImageStore';
import { finiteRange, integerScale } from './intensityRange';
import type { IntensityScaling } from '../../shared/run/intensityScaling';
import { classCountOfLabels } from './labelClasses';
import { imagesShape, readLabels, SPLITS } from './medmnistArrays';
import type { SplitName } from './medmnistArrays';
import { describeBytes, MEMORY_BUDGET_ENV } from './memoryBudget';
import { parseNpy, parseNpyHeader } from './npy';
import type { NpyLayout } from './npy';
import { streamZipMember } from './zipDirectory';
import type { ZipMember } from './zipDirectory';

interface StreamedSplit {
  file: PixelFile;
  layout: NpyLayout;
  count: number;
  shape: [number, number, number];
  labels: Int32Array;
  /** Smallest and largest value (uint16 only, for its scaling). */
  found: [number, number];
}

async function memberBytes(fd: number, member: ZipMember): Promise<Uint8Array> {
  const out = new Uint8Array(member.size);
  let at = 0;
  await streamZipMember(fd, member, (chunk) => {
    out.set(chunk, at);
    at += chunk.length;
  });
  return out;
}

/** A temporary file, already unlinked: its descriptor is the only way to it. */
function anonymousFile(): number {
  const folder = mkdtempSync(join(tmpdir(), 'medtransfer-npz-'));
  try {
    return openSync(join(folder, 'images'), 'w+', 0o600);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * Reads a member's .npy header and places its values: in the .npz itself when stored, else in an
 * anonymous file it is inflated into. uint16 values are scanned for their range on the way.
 */
async function placeImages(
  fd: number,
  path: string,
  member: ZipMember,
  name: string,
): Promise<{ file: PixelFile; layout: NpyLayout; found: [number, number] }> {
  if (member.method === 0) {
    // uint8 values are used as stored: only the header is read.
    const start = Buffer.alloc(Math.min(member.size, 65536));
    readSync(fd, start, 0, start.length, member.dataOffset);
    const stored = parseNpyHeader(start, name);
    checkStreamable(stored, name);
    if (stored.kind === 'u1')
      return { file: { fd, path, offset: member.dataOffset + stored.dataStart }, layout: stored, found: [0, 255] };
  }
  let header: Uint8Array = new Uint8Array(0);
  let layout: NpyLayout | null = null;
  let target: number | null = null;
  let written = 0;
  let found: [number, number] = [Infinity, -Infinity];
  let carry: Uint8Array | null = null;
  const scan = (values: Uint8Array): void => {
    if (layout?.kind !== 'u2') return;
    let bytes = values;
    if (carry) {
      bytes = new Uint8Array(carry.length + values.length);
      bytes.set(carry);
      bytes.set(values, carry.length);
      carry = null;
    }
    const even = bytes.length - (bytes.length % 2);
    if (even < bytes.length) carry = bytes.slice(even);
    const aligned = new Uint8Array(bytes.subarray(0, even));
    found = finiteRange(new Uint16Array(aligned.buffer), found);
  };
  try {
    await streamZipMember(fd, member, (chunk) => {
      let values = chunk;
      if (!layout) {
        const joined = new Uint8Array(header.length + chunk.length);
        joined.set(header);
        joined.set(chunk, header.length);
        header = joined;
        try {
          layout = parseNpyHeader(header, name);
        } catch (error) {
          if (header.length < 65536 && error instanceof DatasetError && /truncated/.test(error.message)) return;
          throw error;
        }
        checkStreamable(layout, name);
        values = header.subarray(layout.dataStart);
        if (member.method !== 0) target = anonymousFile();
      }
      scan(values);
      if (target !== null) {
        for (let done = 0; done < values.length;)
          done += writeSync(target, values, done, values.length - done, written + done);
        written += values.length;
      }
    });
    // The last chunk's callback may have set these; TypeScript cannot see into the closure.
    const placed = layout as NpyLayout | null;
    if (!placed) throw new DatasetError('the .npy member is empty', name);
    const file: PixelFile =
      target === null
        ? { fd, path, offset: member.dataOffset + placed.dataStart }
        : { fd: target, path: `${name} (inflated)`, offset: 0 };
    return { file, layout: placed, found };
  } catch (error) {
    if (target !== null) closeSync(target);
    throw error;
  }
}

function checkStreamable(layout: NpyLayout, name: string): void {
  const integer = layout.kind === 'u1' || (layout.kind === 'u2' && layout.littleEndian);
  if (!integer)
    throw new DatasetError(
      `${layout.dtype} images too large for the memory budget are not read: only uint8 and uint16 images ` +
        `are read from disk a batch at a time; save them as uint8, or raise ${MEMORY_BUDGET_ENV}`,
      name,
    );
}

/** Loads a MedMNIST .npz whose images are `imageBytes` in all (over `budget`), reading them from disk a batch at a time. */
export async function loadStreamedMedmnist(
  fd: number,
  path: string,
  members: ZipMember[],
  imageBytes: number,
  budget: number,
): Promise<LoadedDataset> {
  const member = (key: string) => members.find((entry) => entry.name === `${key}.npy`);
  const read: Partial<Record<SplitName, StreamedSplit>> = {};
  const opened: number[] = [];
  try {
    for (const split of SPLITS) {
      const images = member(`${split}_images`);
      const labels = member(`${split}_labels`);
      if (!images && !labels) continue;
      if (!images || !labels)
        throw new DatasetError(
          `has ${images ? `${split}_images` : `${split}_labels`} ` +
            `but not ${images ? `${split}_labels` : `${split}_images`}`,
          path,
        );
      const name = `${path}/${split}_images.npy`;
      const placed = await placeImages(fd, path, images, name);
      if (placed.file.fd !== fd) opened.push(placed.file.fd);
      const { count, shape } = imagesShape(placed.layout.shape, name);
      const labelFile = `${path}/${split}_labels.npy`;
      const labelValues = readLabels(parseNpy(await memberBytes(fd, labels), labelFile), count, labelFile);
      read[split] = { ...placed, count, shape, labels: labelValues };
    }
    const train = read.train;
    if (!train)
      throw new DatasetError(
        `expected a MedMNIST .npz with train_images and train_labels (and val_/test_); ` +
          `found ${members.map((entry) => entry.name).join(', ')}`,
        path,
      );
    for (const split of ['val', 'test'] as const) {
      const shape = read[split]?.shape;
      if (shape && shape.join() !== train.shape.join())
        throw new DatasetError(
          `${split} images are ${shape.join('×')} but train images are ${train.shape.join('×')}`,
          path,
        );
    }
    const present = SPLITS.filter((split) => read[split] !== undefined);
    const classCount = classCountOfLabels(
      present.map((split) => ({
        file: `${path}/${split}_labels.npy`,
        labels: read[split]?.labels ?? new Int32Array(),
      })),
    );
    // One divisor per element type over every split, as parseMedmnist decides it.
    const scaling: IntensityScaling[] = [];
    const deep = present.flatMap((split) => (read[split]?.layout.kind === 'u2' ? [read[split]] : []));
    let deepDivisor = 65535;
    if (deep.length > 0) {
      let found: [number, number] = [Infinity, -Infinity];
      for (const split of deep)
        if (split) found = [Math.min(found[0], split.found[0]), Math.max(found[1], split.found[1])];
      if (found[0] > found[1]) found = [0, 0];
      const scale = integerScale('uint16', 16, found);
      deepDivisor = scale.divisor;
      if (scale.scaling) scaling.push(scale.scaling);
    }
    const setOf = (split: StreamedSplit, name: SplitName): ImageSet => {
      const type = split.layout.kind === 'u1' ? 'uint8' : 'uint16';
      return {
        images: new FileImageStore(split.file, type, type === 'uint8' ? 255 : deepDivisor, split.count, split.shape),
        labels: split.labels,
        count: split.count,
        shape: split.shape,
        source: `${path}/${name}_images.npy`,
      };
    };
    return {
      description: `${basename(path)} (medmnist)`,
      classes: Array.from({ length: classCount }, (_, index) => `class ${index}`),
      train: setOf(train, 'train'),
      val: read.val ? setOf(read.val, 'val') : null,
      test: read.test ? setOf(read.test, 'test') : null,
      info: [
        `its images (${describeBytes(imageBytes)}) pass the memory budget (${describeBytes(budget)}, ` +
          `${MEMORY_BUDGET_ENV}): they are read from ${members.some((entry) => entry.method !== 0) ? 'disk (inflated to a temporary file)' : 'the .npz'} a batch at a time`,
      ],
      ...(scaling.length > 0 ? { scaling } : {}),
    };
  } catch (error) {
    for (const opened_ of opened) closeSync(opened_);
    throw error;
  }
}
