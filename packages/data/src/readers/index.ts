/** Readers for data files: JSON Lines, CSV, IDX and plain text, streamed or read whole, and datasets over them. */
export { type CsvColumnType, type CsvOptions, type CsvRecord, readCsv, readCsvSync } from './csv.js';
export {
  CsvDataset,
  FileStreamDataset,
  type FileStreamOptions,
  JsonLinesDataset,
  TextLinesDataset,
} from './datasets.js';
export { DataFileError } from './errors.js';
export { IdxDataset, type IdxHeader, parseIdx, parseIdxHeader, readIdx, readIdxSync } from './idx.js';
export { readJsonLines, readJsonLinesSync } from './json-lines.js';
export { readTextLines } from './lines.js';
