// Where each member of a zip file lies, read from its central directory with positioned reads, so
// a .npz of several gigabytes is never read whole: a stored (uncompressed) member is read in place,
// a deflated one inflated as a stream. numpy writes large members with zip64 fields
// (np.savez opens every member with force_zip64), which are read here too.
// Format: PKWARE APPNOTE.TXT, sections 4.3.6–4.3.16 and 4.5.3.
import { readSync } from 'node:fs';
import { createInflateRaw } from 'node:zlib';

export interface ZipMember {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  size: number;
  /** Offset of the member's (compressed) bytes in the file. */
  dataOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const FULL32 = 0xffffffff;

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const read = readSync(fd, buffer, done, length - done, position + done);
    if (read === 0) throw new Error(`the file ends at byte ${position + done}, inside its zip directory`);
    done += read;
  }
  return buffer;
}

const uint64 = (buffer: Buffer, offset: number): number => Number(buffer.readBigUInt64LE(offset));

/** The members of the zip file open at `fd` (of `size` bytes); throws when it is no zip file. */
export function readZipDirectory(fd: number, size: number): ZipMember[] {
  const tailLength = Math.min(size, 22 + 0xffff);
  const tail = readAt(fd, size - tailLength, tailLength);
  let end = -1;
  for (let i = tailLength - 22; i >= 0; i--)
    if (tail.readUInt32LE(i) === EOCD) {
      end = i;
      break;
    }
  if (end < 0) throw new Error('no zip end-of-central-directory record: not a zip file, or cut short');
  let entries = tail.readUInt16LE(end + 10);
  let directorySize = tail.readUInt32LE(end + 12);
  let directoryOffset = tail.readUInt32LE(end + 16);
  const locator = end - 20;
  if (locator >= 0 && tail.readUInt32LE(locator) === ZIP64_LOCATOR) {
    const record = readAt(fd, uint64(tail, locator + 8), 56);
    if (record.readUInt32LE(0) !== ZIP64_EOCD) throw new Error('damaged zip64 end-of-central-directory record');
    entries = uint64(record, 32);
    directorySize = uint64(record, 40);
    directoryOffset = uint64(record, 48);
  }
  const directory = readAt(fd, directoryOffset, directorySize);
  const members: ZipMember[] = [];
  for (let at = 0, n = 0; n < entries; n++) {
    if (directory.readUInt32LE(at) !== CENTRAL) throw new Error('damaged zip central directory');
    const method = directory.readUInt16LE(at + 10);
    let compressedSize = directory.readUInt32LE(at + 20);
    let memberSize = directory.readUInt32LE(at + 24);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    let localOffset = directory.readUInt32LE(at + 42);
    const name = directory.toString('utf8', at + 46, at + 46 + nameLength);
    // The zip64 extra field holds, in this order, those of the three values that read 0xFFFFFFFF.
    for (let extra = at + 46 + nameLength; extra + 4 <= at + 46 + nameLength + extraLength;) {
      const id = directory.readUInt16LE(extra);
      const length = directory.readUInt16LE(extra + 2);
      if (id === 1) {
        let field = extra + 4;
        if (memberSize === FULL32) {
          memberSize = uint64(directory, field);
          field += 8;
        }
        if (compressedSize === FULL32) {
          compressedSize = uint64(directory, field);
          field += 8;
        }
        if (localOffset === FULL32) localOffset = uint64(directory, field);
      }
      extra += 4 + length;
    }
    const local = readAt(fd, localOffset, 30);
    if (local.readUInt32LE(0) !== LOCAL) throw new Error(`damaged zip local header of ${name}`);
    const dataOffset = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    members.push({ name, method, compressedSize, size: memberSize, dataOffset });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return members;
}

/**
 * A member's uncompressed bytes, from `start`, handed to `onChunk` as they come (stored: read in
 * place; deflated: inflated), so a member of any size passes through a few megabytes of memory.
 */
export async function streamZipMember(
  fd: number,
  member: ZipMember,
  onChunk: (chunk: Uint8Array) => void,
): Promise<void> {
  const chunkSize = 4 * 2 ** 20;
  if (member.method === 0) {
    for (let position = 0; position < member.size;) {
      const length = Math.min(chunkSize, member.size - position);
      onChunk(readAt(fd, member.dataOffset + position, length));
      position += length;
    }
    return;
  }
  if (member.method !== 8) throw new Error(`${member.name} is compressed with method ${member.method} (not deflate)`);
  const inflate = createInflateRaw();
  const done = new Promise<void>((resolve, reject) => {
    inflate.on('data', (chunk: Buffer) => onChunk(chunk));
    inflate.on('end', resolve);
    inflate.on('error', reject);
  });
  for (let position = 0; position < member.compressedSize;) {
    const length = Math.min(chunkSize, member.compressedSize - position);
    const chunk = readAt(fd, member.dataOffset + position, length);
    position += length;
    if (!inflate.write(chunk)) await new Promise((resolve) => inflate.once('drain', resolve));
  }
  inflate.end();
  await done;
}
