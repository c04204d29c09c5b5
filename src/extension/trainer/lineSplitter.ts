// Splits a byte stream (a child's stdout or stderr) into text lines, keeping a multi-byte
// character or a line that arrives in two chunks whole.
import { StringDecoder } from 'node:string_decoder';

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  /** Complete lines in this chunk (without `\n` or `\r\n`); the rest waits for the next. */
  push(chunk: Buffer | string): string[] {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    return lines.map(stripCarriageReturn);
  }

  /** The unfinished last line, if any, once the stream has ended. */
  end(): string[] {
    const last = this.pending + this.decoder.end();
    this.pending = '';
    return last === '' ? [] : [stripCarriageReturn(last)];
  }
}

function stripCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
