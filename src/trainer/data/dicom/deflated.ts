// Deflated Explicit VR Little Endian (1.2.840.10008.1.2.1.99, PS3.5 A.5): everything after the
// file meta group is one raw DEFLATE stream (RFC 1951), and once inflated it reads as explicit VR
// little endian. dicom-parser inflates it through a callback: its own Node path calls
// Buffer.copy on the Uint8Array it is given and fails ("copy is not a function").
import { inflateSync, unzlibSync } from 'fflate';
import { errorMessage } from '../../../shared/errors/errorMessage';

export const DEFLATED_EXPLICIT_LITTLE = '1.2.840.10008.1.2.1.99';

/** The file meta group as it is, followed by the inflated data set (dicom-parser's `inflater`). */
export function inflateDataSet(bytes: Uint8Array, position: number): Uint8Array {
  const deflated = bytes.subarray(position);
  let inflated: Uint8Array;
  try {
    inflated = inflateSync(deflated);
  } catch (error) {
    // Some writers wrap the stream in a zlib header, against the standard; read those too.
    if (!hasZlibHeader(deflated))
      throw new Error(`the deflated data set does not inflate (truncated or corrupt): ${errorMessage(error)}`);
    inflated = unzlibSync(deflated);
  }
  const whole = new Uint8Array(position + inflated.length);
  whole.set(bytes.subarray(0, position));
  whole.set(inflated, position);
  return whole;
}

/** RFC 1950: compression method 8 in the low nibble of the first byte, and a header checksum. */
function hasZlibHeader(bytes: Uint8Array): boolean {
  const [cmf = 0, flags = 0] = bytes;
  return (cmf & 0x0f) === 8 && (cmf * 256 + flags) % 31 === 0;
}
