/**
 * CSV with a header row (RFC 4180): fields separated by a delimiter, optionally quoted with `"` (a quote inside a
 * quoted field is written `""`), quoted fields may span lines. Each record becomes an object keyed by the header.
 * Errors name the file and line: a record with the wrong number of fields, an unterminated or stray quote, a
 * duplicate or empty header name, a value that does not parse as the requested type.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { DataFileError } from './errors.js';

/** How a column's values are converted: kept as strings, or parsed as (integer) numbers. */
export type CsvColumnType = 'string' | 'number' | 'integer';

/** Options of the CSV readers. */
export interface CsvOptions {
  /** Field separator (default `,`). */
  delimiter?: string;
  /** Types of columns by header name; unlisted columns stay strings. `'number'` for all with `{ '*': 'number' }`. */
  columnTypes?: Record<string, CsvColumnType>;
}

/** A parsed record: header name → value. */
export type CsvRecord = Record<string, string | number>;

/** Incremental RFC 4180 parser: feed text, get rows with the line each starts on. */
class CsvParser {
  private field = '';
  private row: string[] = [];
  private inQuotes = false;
  /** The previous character closed a quoted field (only a delimiter or newline may follow). */
  private afterQuote = false;
  /** Current line (1-based). */
  line = 1;
  private rowLine = 1;
  private fieldStarted = false;
  /** A quote ended the last chunk: the next chunk tells a closing quote from an escaped `""`. */
  private pendingQuote = false;
  readonly rows: { fields: string[]; line: number }[] = [];

  constructor(
    private readonly file: string,
    private readonly delimiter: string,
  ) {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new TypeError(
        `CSV delimiter must be one character other than a quote or newline, got ${JSON.stringify(delimiter)}`,
      );
    }
  }

  push(text: string): void {
    const delimiter = this.delimiter;
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (this.inQuotes) {
        if (c === '"') {
          if (i + 1 < text.length) {
            if (text[i + 1] === '"') {
              this.field += '"';
              i++;
            } else {
              this.inQuotes = false;
              this.afterQuote = true;
            }
          } else {
            // The next chunk decides between `""` and a closing quote.
            this.inQuotes = false;
            this.afterQuote = true;
            this.pendingQuote = true;
          }
        } else {
          if (c === '\n') this.line++;
          this.field += c;
        }
        continue;
      }
      if (this.pendingQuote) {
        this.pendingQuote = false;
        if (c === '"') {
          this.field += '"';
          this.inQuotes = true;
          this.afterQuote = false;
          continue;
        }
      }
      if (c === delimiter) {
        this.endField();
      } else if (c === '\n') {
        this.endRow();
        this.line++;
        this.rowLine = this.line;
      } else if (c === '\r') {
        // Part of a \r\n line break outside quotes.
      } else if (c === '"') {
        if (this.fieldStarted || this.afterQuote) {
          throw new DataFileError(
            this.file,
            this.line,
            'stray quote in an unquoted field (quote the whole field and write quotes as "")',
          );
        }
        this.inQuotes = true;
        this.fieldStarted = true;
      } else {
        if (this.afterQuote) {
          throw new DataFileError(
            this.file,
            this.line,
            `unexpected character ${JSON.stringify(c)} after a closing quote`,
          );
        }
        this.field += c;
        this.fieldStarted = true;
      }
    }
  }

  private endField(): void {
    this.row.push(this.field);
    this.field = '';
    this.fieldStarted = false;
    this.afterQuote = false;
  }

  private endRow(): void {
    const empty = this.row.length === 0 && !this.fieldStarted && !this.afterQuote && this.field === '';
    if (!empty) {
      this.endField();
      this.rows.push({ fields: this.row, line: this.rowLine });
    }
    this.row = [];
  }

  end(): void {
    if (this.inQuotes) throw new DataFileError(this.file, this.rowLine, 'unterminated quoted field');
    this.pendingQuote = false;
    this.endRow();
  }
}

/** Turns raw rows into records: the first row is the header. */
class CsvRecords {
  private header: string[] | null = null;
  private types: CsvColumnType[] = [];

  constructor(
    private readonly file: string,
    private readonly options: CsvOptions,
  ) {}

  /** The record for a row, or null for the header row. */
  take(row: { fields: string[]; line: number }): CsvRecord | null {
    if (this.header === null) {
      const seen = new Set<string>();
      for (const name of row.fields) {
        if (name === '') throw new DataFileError(this.file, row.line, 'empty column name in the header');
        if (seen.has(name))
          throw new DataFileError(
            this.file,
            row.line,
            `duplicate column name ${JSON.stringify(name)} in the header`,
          );
        seen.add(name);
      }
      const columnTypes = this.options.columnTypes ?? {};
      for (const name of Object.keys(columnTypes)) {
        if (name !== '*' && !seen.has(name)) {
          throw new DataFileError(
            this.file,
            row.line,
            `columnTypes names a column ${JSON.stringify(name)} that the header lacks`,
          );
        }
      }
      this.header = row.fields;
      this.types = row.fields.map((name) => columnTypes[name] ?? columnTypes['*'] ?? 'string');
      return null;
    }
    const header = this.header;
    if (row.fields.length !== header.length) {
      throw new DataFileError(
        this.file,
        row.line,
        `expected ${header.length} fields (as in the header), found ${row.fields.length}`,
      );
    }
    const record: CsvRecord = {};
    for (let i = 0; i < header.length; i++) {
      const raw = row.fields[i]!;
      const type = this.types[i]!;
      if (type === 'string') {
        record[header[i]!] = raw;
        continue;
      }
      const value = raw.trim() === '' ? Number.NaN : Number(raw);
      if (Number.isNaN(value) && !/^\s*nan\s*$/i.test(raw)) {
        throw new DataFileError(
          this.file,
          row.line,
          `column ${JSON.stringify(header[i])}: cannot parse ${JSON.stringify(raw)} as a number`,
        );
      }
      if (type === 'integer' && !Number.isInteger(value)) {
        throw new DataFileError(
          this.file,
          row.line,
          `column ${JSON.stringify(header[i])}: ${JSON.stringify(raw)} is not an integer`,
        );
      }
      record[header[i]!] = value;
    }
    return record;
  }

  finish(): void {
    if (this.header === null) throw new DataFileError(this.file, 1, 'empty file: expected a header row');
  }
}

function strictDecoder(): TextDecoder {
  return new TextDecoder('utf-8', { fatal: true });
}

/**
 * Streams the records of a CSV file with a header row.
 *
 * ```ts
 * for await (const row of readCsv('iris.csv', { columnTypes: { '*': 'number', species: 'string' } })) { ... }
 * ```
 */
export async function* readCsv(file: string, options: CsvOptions = {}): AsyncGenerator<CsvRecord> {
  const parser = new CsvParser(file, options.delimiter ?? ',');
  const records = new CsvRecords(file, options);
  const utf8 = strictDecoder();
  const stream = createReadStream(file, { highWaterMark: 1 << 16 });
  const drain = function* (): Generator<CsvRecord> {
    for (const row of parser.rows) {
      const record = records.take(row);
      if (record !== null) yield record;
    }
    parser.rows.length = 0;
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let text: string;
      try {
        text = utf8.decode(chunk, { stream: true });
      } catch {
        throw new DataFileError(file, parser.line, 'invalid UTF-8');
      }
      parser.push(text);
      yield* drain();
    }
  } finally {
    stream.destroy();
  }
  parser.end();
  yield* drain();
  records.finish();
}

/** Reads every record of a CSV file at once. */
export function readCsvSync(file: string, options: CsvOptions = {}): CsvRecord[] {
  const parser = new CsvParser(file, options.delimiter ?? ',');
  const records = new CsvRecords(file, options);
  let text: string;
  try {
    text = strictDecoder().decode(readFileSync(file));
  } catch (error) {
    if ((error as { code?: string }).code !== undefined) throw error;
    throw new DataFileError(file, null, 'invalid UTF-8');
  }
  parser.push(text);
  parser.end();
  const out: CsvRecord[] = [];
  for (const row of parser.rows) {
    const record = records.take(row);
    if (record !== null) out.push(record);
  }
  records.finish();
  return out;
}
