/**
 * Line splitting shared by the text readers: streamed from disk in chunks (constant memory for any file size) or
 * read whole for map-style datasets. Lines split on `\n` with an optional `\r` before it; a final line without a
 * newline counts. Bytes are decoded as strict UTF-8, so invalid bytes are an error naming their line.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { DataFileError } from './errors.js';

/** One line of a file and its 1-based number. */
export interface NumberedLine {
  text: string;
  line: number;
}

const NEWLINE = 0x0a;

function decoder(): TextDecoder {
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
}

function decodeLine(utf8: TextDecoder, bytes: Uint8Array, file: string, line: number): string {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === 0x0d) end--;
  try {
    return utf8.decode(bytes.subarray(0, end));
  } catch {
    throw new DataFileError(file, line, 'invalid UTF-8');
  }
}

/** Streams the lines of a file. */
export async function* readNumberedLines(file: string): AsyncGenerator<NumberedLine> {
  const utf8 = decoder();
  let pending: Uint8Array | null = null;
  let line = 0;
  const stream = createReadStream(file, { highWaterMark: 1 << 16 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let data: Uint8Array = chunk;
      if (pending !== null) {
        const joined = new Uint8Array(pending.length + chunk.length);
        joined.set(pending);
        joined.set(chunk, pending.length);
        data = joined;
        pending = null;
      }
      let start = 0;
      for (;;) {
        const end = data.indexOf(NEWLINE, start);
        if (end < 0) break;
        line++;
        yield { text: decodeLine(utf8, data.subarray(start, end), file, line), line };
        start = end + 1;
      }
      if (start < data.length) pending = data.slice(start);
    }
  } finally {
    stream.destroy();
  }
  if (pending !== null && pending.length > 0) {
    line++;
    yield { text: decodeLine(utf8, pending, file, line), line };
  }
}

/** Reads all lines of a file at once. */
export function readNumberedLinesSync(file: string): NumberedLine[] {
  const bytes = readFileSync(file);
  const utf8 = decoder();
  const lines: NumberedLine[] = [];
  let start = 0;
  let line = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end < 0) end = bytes.length;
    line++;
    lines.push({ text: decodeLine(utf8, bytes.subarray(start, end), file, line), line });
    start = end + 1;
  }
  return lines;
}

/** The lines of a text file, streamed (`for await (const line of readTextLines(path))`). */
export async function* readTextLines(file: string): AsyncGenerator<string> {
  for await (const { text } of readNumberedLines(file)) yield text;
}
