// Whether a PNG or JPEG file that failed to decode was cut short (a copy or download that did
// not finish) rather than damaged inside, so the message can say which: the decoders' own
// wording ("read requests waiting on finished stream", "unknown JPEG marker 0") says neither.

/**
 * A PNG is a signature and then chunks (length, four-letter type, data, CRC) up to IEND
 * (https://www.w3.org/TR/png/#5Chunk-layout): cut short when the chunks, all well formed, run
 * past the end of the file or stop before IEND.
 */
export function pngIsCutShort(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  while (offset + 8 <= bytes.length) {
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    // Not a chunk: the file is damaged here, whatever its length.
    if (!/^[A-Za-z]{4}$/.test(type)) return false;
    const end = offset + 12 + view.getUint32(offset);
    if (end > bytes.length) return true;
    if (type === 'IEND') return false;
    offset = end;
  }
  return true;
}

/**
 * A JPEG ends with its end-of-image marker (FF D9) after its last scan (FF DA). Neither pair can
 * occur inside entropy-coded data, where an FF byte is always stuffed, so a file whose last scan
 * has no end marker after it was cut short (an EXIF thumbnail's own markers come before the scans).
 */
export function jpegIsCutShort(bytes: Uint8Array): boolean {
  return lastMarker(bytes, 0xd9) < lastMarker(bytes, 0xda) || lastMarker(bytes, 0xd9) === -1;
}

function lastMarker(bytes: Uint8Array, code: number): number {
  for (let i = bytes.length - 2; i >= 0; i--) if (bytes[i] === 0xff && bytes[i + 1] === code) return i;
  return -1;
}
