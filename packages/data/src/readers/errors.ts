/** The error every reader throws for malformed input: which file, which line (or byte offset), and why. */
import { ValueError } from '@proj/tensor';

/**
 * Malformed data in a file. `message` is `file:line: reason` (or `file: reason` where lines mean nothing, as in
 * binary IDX files, whose reasons name byte offsets).
 */
export class DataFileError extends ValueError {
  constructor(
    /** The file that was read. */
    readonly file: string,
    /** 1-based line number, or null for binary formats. */
    readonly line: number | null,
    /** What is wrong. */
    readonly reason: string,
  ) {
    super(line === null ? `${file}: ${reason}` : `${file}:${line}: ${reason}`);
    this.name = 'DataFileError';
  }
}
