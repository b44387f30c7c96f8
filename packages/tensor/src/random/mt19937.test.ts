import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MT19937 } from './mt19937.js';

const fixtures = JSON.parse(readFileSync(new URL('../../fixtures/random.json', import.meta.url), 'utf8'));

describe('MT19937', () => {
  it('draws the reference MT19937 sequence for the default seed 5489', () => {
    const engine = new MT19937();
    expect(engine.random()).toBe(3499211612);
    for (let i = 1; i < 9999; i++) engine.random();
    // the 10000th output of std::mt19937 with its default seed (C++11 [rand.predef])
    expect(engine.random()).toBe(4123659995);
  });

  it('combines two draws into random64 like PyTorch (int64 random_() = random64() % 2^63)', () => {
    for (const testCase of fixtures.random64) {
      const engine = new MT19937(testCase.seed);
      const got = Array.from({ length: testCase.values.length }, () =>
        String(engine.random64() % (1n << 63n)),
      );
      expect(got).toEqual(testCase.values);
    }
  });

  it('only feeds the low 32 bits of the seed into the state but remembers all 64', () => {
    const a = new MT19937(5n);
    const b = new MT19937((1n << 32n) + 5n);
    expect(a.random()).toBe(b.random());
    expect(b.initialSeed()).toBe((1n << 32n) + 5n);
  });

  it('clone and setData continue the same stream', () => {
    const engine = new MT19937(11);
    for (let i = 0; i < 700; i++) engine.random();
    const copy = engine.clone();
    for (let i = 0; i < 1000; i++) expect(copy.random()).toBe(engine.random());
  });

  it('isValid rejects impossible counters', () => {
    const data = new MT19937(1).data();
    expect(MT19937.isValid(data)).toBe(true);
    expect(MT19937.isValid({ ...data, left: 0 })).toBe(false);
    expect(MT19937.isValid({ ...data, left: 625 })).toBe(false);
    expect(MT19937.isValid({ ...data, next: 625 })).toBe(false);
    expect(MT19937.isValid({ ...data, seeded: false })).toBe(false);
  });
});
