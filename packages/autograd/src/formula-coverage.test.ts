import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { formulaFor } from './index.js';

// Every op name that @proj/tensor passes to `dispatch` as a literal must have a derivative formula, unless its
// outputs are never differentiable. This catches a new op added to @proj/tensor without its formula.
const NOT_DIFFERENTIABLE = new Set(['linalgMatrixRank']);

function dispatchedOpNames(): string[] {
  const dir = new URL('../../tensor/src/ops/', import.meta.url);
  const names = new Set<string>();
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
    const source = readFileSync(new URL(file, dir), 'utf8');
    for (const match of source.matchAll(/dispatch\(\s*['`]([A-Za-z_]+)['`]/g)) names.add(match[1]!);
    // `viewOp('t', ...)` and friends also dispatch under the given name.
    for (const match of source.matchAll(/viewOp\(\s*['`]([A-Za-z_]+)['`]/g)) names.add(match[1]!);
  }
  return [...names].sort();
}

describe('formula coverage', () => {
  test('every dispatched op has a formula', () => {
    const names = dispatchedOpNames();
    expect(names.length).toBeGreaterThan(50);
    const missing = names.filter((name) => !NOT_DIFFERENTIABLE.has(name) && formulaFor(name) === undefined);
    expect(missing).toEqual([]);
  });
});
