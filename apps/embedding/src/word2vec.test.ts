import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Io, main, TARGETS } from './main.js';
import { Random } from './rng.js';
import { skipGramPairs, tokenize, Vocabulary } from './text.js';
import { categoryPrecision, nearest, normalizeRows } from './word2vec.js';

describe('text pipeline', () => {
  it('tokenises, counts, subsamples and windows', () => {
    expect(tokenize("The Nation's 2nd year—of PEACE.")).toEqual([
      'the',
      "nation's",
      'nd',
      'year',
      'of',
      'peace',
    ]);
    const documents = [tokenize('a b a c a b'), tokenize('b a d')];
    const vocabulary = Vocabulary.build(documents, 2);
    expect(vocabulary.words).toEqual(['a', 'b']);
    expect(Array.from(vocabulary.counts)).toEqual([4, 3]);
    expect(Array.from(vocabulary.encode(['a', 'zzz', 'b']))).toEqual([0, 1]);
    expect(Array.from(vocabulary.keepProbabilities(0))).toEqual([1, 1]);
    const keep = vocabulary.keepProbabilities(0.1);
    expect(keep[0]!).toBeLessThan(keep[1]!);
    const table = vocabulary.unigramTable(1000);
    const share = table.filter((id) => id === 0).length / 1000;
    expect(share).toBeCloseTo(4 ** 0.75 / (4 ** 0.75 + 3 ** 0.75), 2);
    // Window 1 over [0 1 2 3] with everything kept: each word pairs with its neighbours.
    const pairs = skipGramPairs([Int32Array.of(0, 1, 2, 3)], new Float64Array(4).fill(1), 1, new Random(0));
    expect(Array.from(pairs.centers)).toEqual([0, 1, 1, 2, 2, 3]);
    expect(Array.from(pairs.contexts)).toEqual([1, 0, 2, 1, 3, 2]);
  });

  it('scores categories by precision@k', () => {
    // Two clusters: {a, b} near (1, 0), {c, d} near (0, 1).
    const vectors = Float32Array.of(1, 0.1, 1, 0.2, 0.1, 1, 0.2, 1);
    const unit = normalizeRows(vectors, 2);
    expect(nearest(unit, 2, 0, 1)[0]!.id).toBe(1);
    const vocabulary = Vocabulary.build([['a', 'b', 'c', 'd']], 1);
    const [score] = categoryPrecision(vocabulary, unit, 2, 1, { letters: ['a', 'b'] });
    expect(score!.precision).toBe(1);
  });
});

/** Runs `word2vec --quick` with `flags`; returns the exit status, the output and the output directory. */
async function quickRun(flags: string[]): Promise<{ status: number; text: string; outDir: string }> {
  const outDir = join(mkdtempSync(join(tmpdir(), 'word2vec-')), 'out');
  const out: string[] = [];
  const io: Io = {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => out.push(t) },
  };
  const status = await main(['word2vec', '--quick', ...flags, '--out', outDir], io);
  return { status, text: out.join(''), outDir };
}

function expectQuickTargets(text: string): void {
  for (const category of ['months', 'numbers'] as const) {
    const precision = Number(new RegExp(`  ${category}\\s+([\\d.]+)`).exec(text)?.[1]);
    expect(precision, text).toBeGreaterThanOrEqual(TARGETS.word2vecQuick[category]);
  }
}

describe('word2vec --quick', () => {
  it(`reaches precision@10 >= ${TARGETS.word2vecQuick.months} for months and numbers and writes the projector files`, async () => {
    const { status, text, outDir } = await quickRun([]);
    expectQuickTargets(text);
    expect(status, text).toBe(0);
    const vectors = readFileSync(join(outDir, 'vectors.tsv'), 'utf8').trimEnd().split('\n');
    const metadata = readFileSync(join(outDir, 'metadata.tsv'), 'utf8').trimEnd().split('\n');
    expect(metadata[0]).toBe('word\tcount');
    expect(metadata.length).toBe(vectors.length + 1);
    expect(vectors[0]!.split('\t').length).toBe(32);
    expect(readFileSync(join(outDir, 'pca.svg'), 'utf8')).toMatch(
      /^<svg[^>]*>[\s\S]*january[\s\S]*<\/svg>\n$/,
    );
    // pca.png: the same figure rendered at the SVG's size (900 x 700).
    const png = readFileSync(join(outDir, 'pca.png'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([900, 700]);
  });

  it('reaches the same targets with --model cbow (its own learning rate and epochs)', async () => {
    const { status, text } = await quickRun(['--model', 'cbow']);
    expect(text).toMatch(/model: cbow, dim 32, window 1, .* sgd lr 0\.12, batch 1024, 2 epoch\(s\)/);
    expectQuickTargets(text);
    expect(status, text).toBe(0);
  });
});
