// DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, then one PackBits
// segment per byte plane (most significant byte first, sample by sample). Simple enough to
// decode here, and common in archives (dcmtk's dcmcrle, many PACS exports).

function unpackBits(bytes: Uint8Array, start: number, end: number, out: Uint8Array): void {
  let i = start;
  let o = 0;
  while (i < end && o < out.length) {
    const header = bytes[i++] ?? 0;
    const n = header > 127 ? header - 256 : header;
    if (n >= 0) {
      for (let k = 0; k <= n && o < out.length; k++) out[o++] = bytes[i++] ?? 0;
    } else if (n !== -128) {
      const value = bytes[i++] ?? 0;
      for (let k = 0; k < 1 - n && o < out.length; k++) out[o++] = value;
    }
  }
  if (o < out.length) throw new Error(`RLE segment ends after ${o} of ${out.length} bytes (corrupt pixel data?)`);
}

/**
 * Decodes one RLE frame into stored sample values, interleaved by pixel (R G B R G B …).
 * `bytesPerSample` is BitsAllocated / 8.
 */
export function decodeRleFrame(
  frame: Uint8Array,
  pixels: number,
  samples: number,
  bytesPerSample: number,
  signed: boolean,
): Float32Array {
  if (frame.length < 64) throw new Error('RLE frame shorter than its 64-byte header');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const segments = view.getUint32(0, true);
  if (segments !== samples * bytesPerSample)
    throw new Error(
      `RLE frame has ${segments} segments; expected ${samples * bytesPerSample} (samples × bytes per sample)`,
    );
  const planes: Uint8Array[] = [];
  for (let s = 0; s < segments; s++) {
    const start = view.getUint32(4 + s * 4, true);
    const end = s + 1 < segments ? view.getUint32(8 + s * 4, true) : frame.length;
    if (start < 64 || end > frame.length || end < start) throw new Error(`RLE segment ${s + 1} lies outside the frame`);
    const plane = new Uint8Array(pixels);
    unpackBits(frame, start, end, plane);
    planes.push(plane);
  }
  const out = new Float32Array(pixels * samples);
  const bits = bytesPerSample * 8;
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < samples; c++) {
      let value = 0;
      for (let b = 0; b < bytesPerSample; b++) value = value * 256 + (planes[c * bytesPerSample + b]?.[p] ?? 0);
      if (signed && value >= 2 ** (bits - 1)) value -= 2 ** bits;
      out[p * samples + c] = value;
    }
  }
  return out;
}
