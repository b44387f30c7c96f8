/**
 * JSON Lines: one JSON value per line. Blank lines are skipped; anything else that is not valid JSON is an error
 * naming the file, the line and the parser's reason.
 */

import { DataFileError } from './errors.js';
import { type NumberedLine, readNumberedLines, readNumberedLinesSync } from './lines.js';

/** Parses one numbered line, or returns undefined for a blank one. */
export function parseJsonLine(entry: NumberedLine, file: string): unknown {
  if (entry.text.trim() === '') return undefined;
  try {
    return JSON.parse(entry.text);
  } catch (error) {
    throw new DataFileError(file, entry.line, `invalid JSON: ${(error as Error).message}`);
  }
}

/**
 * Streams the records of a JSON Lines file.
 *
 * ```ts
 * for await (const record of readJsonLines<{ id: string; label: number }>('train.jsonl')) { ... }
 * ```
 */
export async function* readJsonLines<T = unknown>(file: string): AsyncGenerator<T> {
  for await (const entry of readNumberedLines(file)) {
    const value = parseJsonLine(entry, file);
    if (value !== undefined) yield value as T;
  }
}

/** Reads every record of a JSON Lines file at once (validating all of them). */
export function readJsonLinesSync<T = unknown>(file: string): T[] {
  const records: T[] = [];
  for (const entry of readNumberedLinesSync(file)) {
    const value = parseJsonLine(entry, file);
    if (value !== undefined) records.push(value as T);
  }
  return records;
}
