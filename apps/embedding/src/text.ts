/** Tokenisation, vocabulary, subsampling and (center, context) pair generation for word2vec. */
import type { Random } from './rng.js';

const WORD = /[a-z]+(?:'[a-z]+)?/g;

/** Lower-cases `text` and returns its words: runs of letters, with an inner apostrophe kept (`nation's`). */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** Words kept by frequency, most frequent first, with their counts. */
export class Vocabulary {
  /** Word of each id. */
  readonly words: string[];
  /** Corpus count of each id. */
  readonly counts: Float64Array;
  /** Id of each word. */
  readonly index: Map<string, number>;
  /** Total count of the kept words. */
  readonly total: number;

  private constructor(words: string[], counts: Float64Array) {
    this.words = words;
    this.counts = counts;
    this.index = new Map(words.map((word, id) => [word, id]));
    let total = 0;
    for (const count of counts) total += count;
    this.total = total;
  }

  /** Counts the words of `documents` and keeps those seen at least `minCount` times (ties broken alphabetically). */
  static build(documents: readonly string[][], minCount: number): Vocabulary {
    const counts = new Map<string, number>();
    for (const document of documents)
      for (const word of document) counts.set(word, (counts.get(word) ?? 0) + 1);
    const kept = [...counts].filter(([, count]) => count >= minCount);
    kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return new Vocabulary(
      kept.map(([word]) => word),
      Float64Array.from(kept, ([, count]) => count),
    );
  }

  /** Number of words. */
  get size(): number {
    return this.words.length;
  }

  /** The ids of a document's words, out-of-vocabulary words dropped (as the reference word2vec does). */
  encode(document: readonly string[]): Int32Array {
    const ids: number[] = [];
    for (const word of document) {
      const id = this.index.get(word);
      if (id !== undefined) ids.push(id);
    }
    return Int32Array.from(ids);
  }

  /**
   * Probability of keeping each word under Mikolov et al.'s subsampling of frequent words with threshold `t`:
   * `(sqrt(f / t) + 1) · t / f` for relative frequency `f` (the formula of the reference C code), capped at 1.
   * `t <= 0` keeps everything.
   */
  keepProbabilities(t: number): Float64Array {
    const keep = new Float64Array(this.size).fill(1);
    if (t <= 0) return keep;
    for (let id = 0; id < this.size; id++) {
      const f = this.counts[id]! / this.total;
      keep[id] = Math.min(1, (Math.sqrt(f / t) + 1) * (t / f));
    }
    return keep;
  }

  /**
   * A table of ids drawn in proportion to `count^power` (0.75 in word2vec): a uniform index into it samples a
   * negative word in O(1).
   */
  unigramTable(size: number, power = 0.75): Int32Array {
    const table = new Int32Array(size);
    let norm = 0;
    for (const count of this.counts) norm += count ** power;
    let id = 0;
    let cumulative = this.counts[0]! ** power / norm;
    for (let slot = 0; slot < size; slot++) {
      table[slot] = id;
      if (slot / size > cumulative && id < this.size - 1) {
        id++;
        cumulative += this.counts[id]! ** power / norm;
      }
    }
    return table;
  }
}

/** Training examples of one epoch: skip-gram pairs, or CBOW contexts flattened with one offset per example. */
export interface Pairs {
  /** Center word of each pair. */
  centers: Int32Array;
  /** Context word of each pair. */
  contexts: Int32Array;
}

/**
 * The walk both example builders share, drawing random numbers in one fixed order: per document, the subsampling
 * draws of all its tokens, then for each kept position `i` the window radius (1..`window`); `visit` gets the kept ids
 * and the window `[lo, hi]` (clipped to the document, `i` inside it).
 */
function forEachWindow(
  documents: readonly Int32Array[],
  keep: Float64Array,
  window: number,
  random: Random,
  visit: (kept: Int32Array, i: number, lo: number, hi: number) => void,
): void {
  const kept = new Int32Array(documents.reduce((most, d) => Math.max(most, d.length), 0));
  for (const document of documents) {
    let n = 0;
    for (let i = 0; i < document.length; i++) {
      const id = document[i]!;
      if (random.next() < keep[id]!) kept[n++] = id;
    }
    for (let i = 0; i < n; i++) {
      const radius = 1 + random.int(window);
      visit(kept, i, Math.max(0, i - radius), Math.min(n - 1, i + radius));
    }
  }
}

/**
 * Subsamples each document with `keep`, then emits every (center, context) pair within a window whose radius is
 * drawn uniformly from 1..`window` per center (word2vec's dynamic window, which weights near words more).
 * Windows do not cross documents.
 */
export function skipGramPairs(
  documents: readonly Int32Array[],
  keep: Float64Array,
  window: number,
  random: Random,
): Pairs {
  let centers = new Int32Array(1 << 20);
  let contexts = new Int32Array(1 << 20);
  let length = 0;
  forEachWindow(documents, keep, window, random, (kept, i, lo, hi) => {
    if (length + (hi - lo) > centers.length) {
      const grownCenters = new Int32Array(centers.length * 2);
      grownCenters.set(centers);
      centers = grownCenters;
      const grownContexts = new Int32Array(contexts.length * 2);
      grownContexts.set(contexts);
      contexts = grownContexts;
    }
    const center = kept[i]!;
    for (let j = lo; j <= hi; j++) {
      if (j === i) continue;
      centers[length] = center;
      contexts[length] = kept[j]!;
      length++;
    }
  });
  return { centers: centers.subarray(0, length), contexts: contexts.subarray(0, length) };
}

/** CBOW examples: each kept position's window of context words (a fixed width, padded with `pad`) and its center. */
export interface CbowExamples {
  /** `[n, 2 · window]` context ids, row-major, `pad` where the window is shorter. */
  contexts: Int32Array;
  /** Center word of each example. */
  centers: Int32Array;
  /** Number of real (non-pad) context words of each example. */
  counts: Int32Array;
  /** Width of a row of `contexts`. */
  width: number;
}

/** Builds CBOW examples with the same subsampling and dynamic window as {@link skipGramPairs}. */
export function cbowExamples(
  documents: readonly Int32Array[],
  keep: Float64Array,
  window: number,
  pad: number,
  random: Random,
): CbowExamples {
  const width = 2 * window;
  const centers: number[] = [];
  const counts: number[] = [];
  const rows: number[] = [];
  forEachWindow(documents, keep, window, random, (kept, i, lo, hi) => {
    if (hi === lo) return;
    let filled = 0;
    for (let j = lo; j <= hi; j++) {
      if (j === i) continue;
      rows.push(kept[j]!);
      filled++;
    }
    for (let k = filled; k < width; k++) rows.push(pad);
    centers.push(kept[i]!);
    counts.push(filled);
  });
  return {
    contexts: Int32Array.from(rows),
    centers: Int32Array.from(centers),
    counts: Int32Array.from(counts),
    width,
  };
}
