/**
 * Datasets over text files: map-style ones that read and validate the whole file when constructed
 * (`JsonLinesDataset`, `CsvDataset`, `TextLinesDataset`), and `FileStreamDataset`, an iterable dataset that
 * streams a file of any size and splits its records between DataLoader workers.
 */
import { Dataset, IterableDataset } from '../dataset.js';
import type { WorkerSource } from '../internal/module-ref.js';
import { getWorkerInfo } from '../worker.js';
import { type CsvOptions, type CsvRecord, readCsv, readCsvSync } from './csv.js';
import { readJsonLines, readJsonLinesSync } from './json-lines.js';
import { readNumberedLinesSync, readTextLines } from './lines.js';

const MODULE = import.meta.url;

/** Records of a JSON Lines file, in memory (blank lines skipped). */
export class JsonLinesDataset<T = unknown> extends Dataset<T> {
  /** The records. */
  readonly records: readonly T[];

  constructor(
    /** The file. */
    readonly file: string,
  ) {
    super();
    this.records = readJsonLinesSync<T>(file);
  }

  get length(): number {
    return this.records.length;
  }

  getItem(index: number): T {
    return this.records[checkIndex(index, this.records.length)]!;
  }

  override workerSource(): WorkerSource {
    return { module: MODULE, exportName: 'JsonLinesDataset', args: [this.file] };
  }
}

/** Records of a CSV file with a header row, in memory. */
export class CsvDataset extends Dataset<CsvRecord> {
  /** The records. */
  readonly records: readonly CsvRecord[];

  constructor(
    /** The file. */
    readonly file: string,
    /** Delimiter and column types. */
    readonly options: CsvOptions = {},
  ) {
    super();
    this.records = readCsvSync(file, options);
  }

  get length(): number {
    return this.records.length;
  }

  getItem(index: number): CsvRecord {
    return this.records[checkIndex(index, this.records.length)]!;
  }

  override workerSource(): WorkerSource {
    return { module: MODULE, exportName: 'CsvDataset', args: [this.file, this.options] };
  }
}

/** Lines of a text file, in memory. */
export class TextLinesDataset extends Dataset<string> {
  /** The lines. */
  readonly lines: readonly string[];

  constructor(
    /** The file. */
    readonly file: string,
  ) {
    super();
    this.lines = readNumberedLinesSync(file).map((l) => l.text);
  }

  get length(): number {
    return this.lines.length;
  }

  getItem(index: number): string {
    return this.lines[checkIndex(index, this.lines.length)]!;
  }

  override workerSource(): WorkerSource {
    return { module: MODULE, exportName: 'TextLinesDataset', args: [this.file] };
  }
}

function checkIndex(index: number, length: number): number {
  const i = index < 0 ? index + length : index;
  if (!Number.isInteger(i) || i < 0 || i >= length)
    throw new RangeError(`index ${index} is out of range for ${length} records`);
  return i;
}

/** Options of `FileStreamDataset`. */
export interface FileStreamOptions extends CsvOptions {
  /** The file's format. */
  format: 'jsonl' | 'csv' | 'text';
}

/**
 * Streams the records of a JSON Lines, CSV or text file without loading it. In DataLoader workers, worker `k` of
 * `n` yields records `k, k + n, k + 2n, ...`, so every record is loaded exactly once.
 *
 * ```ts
 * const loader = new DataLoader(new FileStreamDataset('corpus.jsonl', { format: 'jsonl' }), { batchSize: 32, numWorkers: 2 });
 * ```
 */
export class FileStreamDataset<T = unknown> extends IterableDataset<T> {
  constructor(
    /** The file. */
    readonly file: string,
    /** Format and CSV options. */
    readonly options: FileStreamOptions,
  ) {
    super();
    if (!['jsonl', 'csv', 'text'].includes(options.format)) {
      throw new TypeError(
        `FileStreamDataset: unknown format ${JSON.stringify(options.format)}; expected 'jsonl', 'csv' or 'text'`,
      );
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    const records =
      this.options.format === 'jsonl'
        ? readJsonLines<T>(this.file)
        : this.options.format === 'csv'
          ? (readCsv(this.file, this.options) as AsyncGenerator<T>)
          : (readTextLines(this.file) as AsyncGenerator<T>);
    const info = getWorkerInfo();
    const [first, step] = info === null ? [0, 1] : [info.id, info.numWorkers];
    let index = 0;
    // Every worker parses every record (so errors are reported wherever they are) but keeps only its share.
    for await (const record of records) {
      if (index >= first && (index - first) % step === 0) yield record;
      index++;
    }
  }

  override workerSource(): WorkerSource {
    return { module: MODULE, exportName: 'FileStreamDataset', args: [this.file, this.options] };
  }
}
