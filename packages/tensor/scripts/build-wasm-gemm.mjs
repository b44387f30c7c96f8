#!/usr/bin/env node
// Generates the WebAssembly SIMD gemm micro-kernels of the CPU backend:
//   src/backends/cpu/wasm/gemm-kernels.wat        the kernel source, for reading and review
//   src/backends/cpu/wasm/gemm-kernels-module.ts  the assembled module as base64, loaded at run time
//
// Run from the repository root: `node packages/tensor/scripts/build-wasm-gemm.mjs`.
// Needs the `wabt` npm package (a devDependency used only here); the committed outputs keep the
// runtime and CI independent of it. `--check` assembles and compares instead of writing, and exits
// with status 1 when the committed files are stale.
//
// NOTE [Why the WAT is generated]
// A register-blocked micro-kernel is the same few instructions repeated once per accumulator
// (MR rows x NR/lanes vectors). Writing that out by hand for two element types is long and
// error-prone, and the tile shape is the main tuning knob, so the text is produced from the tile
// parameters below. The kernels use only fixed-width SIMD (v128 loads, splat loads, mul, add):
// relaxed SIMD's FMA would change results between machines, which a reference backend must not do.

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const outputDirectory = fileURLToPath(new URL('../src/backends/cpu/wasm/', import.meta.url));
const watPath = `${outputDirectory}gemm-kernels.wat`;
const modulePath = `${outputDirectory}gemm-kernels-module.ts`;

/**
 * Tile shapes: `mr` rows of C by `vectors` SIMD vectors of columns. Accumulators + one B vector per
 * column vector + the broadcast A value + one product temporary must fit in the SIMD registers V8
 * allocates on x64 (15), or the loop spills. 2 rows x 4 vectors: 8 + 4 + 1 + 1 = 14 registers.
 * Measured on Node 20 (AMD EPYC, AVX-512 machine, one thread): for float32, 2x4 and 4x2 tie
 * (~25-30 GFLOP/s at 512) and 5x2, 6x2, 3x3, 4x3, 3x4, 2x5 are slower (spills); for float64, 2x4
 * beats 4x2 by ~1.5x.
 */
const variants = [
  { name: 'sgemmBlock', type: 'f32', bytes: 4, lanes: 4, mr: 2, vectors: 4 },
  { name: 'dgemmBlock', type: 'f64', bytes: 8, lanes: 2, mr: 2, vectors: 4 },
];

function blockFunction({ name, type, bytes, lanes, mr, vectors }) {
  const nr = vectors * lanes;
  const vectorType = `${type}x${lanes}`;
  const splat = `v128.load${bytes * 8}_splat`;
  const accumulator = (row, vector) => `$c${row}_${vector}`;
  const lines = [];
  const emit = (indent, text) => lines.push(`${'  '.repeat(indent)}${text}`);

  emit(
    1,
    `;; ${name}: C block += or = packed A block (mTiles*${mr} x k) * packed B panel (k x nTiles*${nr}).`,
  );
  emit(
    1,
    `;; A is packed in slivers of ${mr} rows (${mr} ${type} per k step), B in slivers of ${nr} columns;`,
  );
  emit(1, ';; C is row-major with a row stride of ldcBytes. Requires mTiles, nTiles, k >= 1.');
  emit(1, `(func $${name} (export "${name}")`);
  emit(2, '(param $mTiles i32) (param $nTiles i32) (param $k i32)');
  emit(2, '(param $a i32) (param $b i32) (param $c i32) (param $ldcBytes i32) (param $accumulate i32)');
  emit(2, '(local $jr i32) (local $ir i32) (local $ap i32) (local $bp i32) (local $aEnd i32)');
  emit(2, '(local $aSliverBytes i32) (local $bSliverBytes i32) (local $bSliver i32) (local $cp i32)');
  for (let row = 0; row < mr; row++) {
    emit(2, Array.from({ length: vectors }, (_, v) => `(local ${accumulator(row, v)} v128)`).join(' '));
  }
  emit(2, `${Array.from({ length: vectors }, (_, v) => `(local $b${v} v128)`).join(' ')} (local $av v128)`);
  emit(2, `(local.set $aSliverBytes (i32.mul (local.get $k) (i32.const ${mr * bytes})))`);
  emit(2, `(local.set $bSliverBytes (i32.mul (local.get $k) (i32.const ${nr * bytes})))`);
  emit(2, '(local.set $bSliver (local.get $b))');
  emit(2, '(local.set $jr (i32.const 0))');
  emit(2, '(loop $columnSlivers');
  emit(3, '(local.set $ir (i32.const 0))');
  emit(3, '(loop $rowSlivers');
  for (let row = 0; row < mr; row++) {
    for (let v = 0; v < vectors; v++) emit(4, `(local.set ${accumulator(row, v)} (v128.const i64x2 0 0))`);
  }
  emit(4, '(local.set $ap (i32.add (local.get $a) (i32.mul (local.get $ir) (local.get $aSliverBytes))))');
  emit(4, '(local.set $aEnd (i32.add (local.get $ap) (local.get $aSliverBytes)))');
  emit(4, '(local.set $bp (local.get $bSliver))');
  // One rank-1 update of the tile: k step `step` from the current position (static load offsets).
  const rankOneUpdate = (indent, step) => {
    for (let v = 0; v < vectors; v++) {
      emit(indent, `(local.set $b${v} (v128.load offset=${step * nr * bytes + v * 16} (local.get $bp)))`);
    }
    for (let row = 0; row < mr; row++) {
      emit(indent, `(local.set $av (${splat} offset=${(step * mr + row) * bytes} (local.get $ap)))`);
      for (let v = 0; v < vectors; v++) {
        const c = accumulator(row, v);
        emit(
          indent,
          `(local.set ${c} (${vectorType}.add (local.get ${c}) (${vectorType}.mul (local.get $av) (local.get $b${v}))))`,
        );
      }
    }
  };
  // Unrolling this loop over k (2 or 4 steps per iteration) measured slower on Node 20.
  emit(4, ';; The micro-kernel: one rank-1 update of the tile per k step.');
  emit(4, '(loop $depth');
  rankOneUpdate(5, 0);
  emit(5, `(local.set $ap (i32.add (local.get $ap) (i32.const ${mr * bytes})))`);
  emit(5, `(local.set $bp (i32.add (local.get $bp) (i32.const ${nr * bytes})))`);
  emit(5, '(br_if $depth (i32.lt_u (local.get $ap) (local.get $aEnd))))');
  emit(4, ';; Tile (ir, jr) of C starts at c + ir*mr*ldcBytes + jr*nr*bytes.');
  emit(4, '(local.set $cp (i32.add (local.get $c) (i32.add');
  emit(5, `(i32.mul (local.get $ir) (i32.mul (local.get $ldcBytes) (i32.const ${mr})))`);
  emit(5, `(i32.mul (local.get $jr) (i32.const ${nr * bytes})))))`);
  emit(4, '(if (local.get $accumulate) (then');
  for (let row = 0; row < mr; row++) {
    const rowPointer =
      row === 0
        ? '(local.get $cp)'
        : `(i32.add (local.get $cp) (i32.mul (local.get $ldcBytes) (i32.const ${row})))`;
    for (let v = 0; v < vectors; v++) {
      const c = accumulator(row, v);
      emit(
        5,
        `(local.set ${c} (${vectorType}.add (v128.load offset=${v * 16} ${rowPointer}) (local.get ${c})))`,
      );
    }
  }
  emit(4, '))');
  for (let row = 0; row < mr; row++) {
    for (let v = 0; v < vectors; v++) {
      emit(4, `(v128.store offset=${v * 16} (local.get $cp) (local.get ${accumulator(row, v)}))`);
    }
    if (row < mr - 1) emit(4, '(local.set $cp (i32.add (local.get $cp) (local.get $ldcBytes)))');
  }
  emit(4, '(local.set $ir (i32.add (local.get $ir) (i32.const 1)))');
  emit(4, '(br_if $rowSlivers (i32.lt_u (local.get $ir) (local.get $mTiles))))');
  emit(3, '(local.set $bSliver (i32.add (local.get $bSliver) (local.get $bSliverBytes)))');
  emit(3, '(local.set $jr (i32.add (local.get $jr) (i32.const 1)))');
  emit(3, '(br_if $columnSlivers (i32.lt_u (local.get $jr) (local.get $nTiles)))))');
  return lines.join('\n');
}

/**
 * `packRuns64(source, sourceStrideBytes, runs, depth, destination, sliverBytes)`: the packing of a
 * panel whose lines are adjacent in memory (B not transposed), once its rows have been copied into
 * the memory. For each of `depth` rows (`sourceStrideBytes` apart) it copies `runs` runs of 64
 * bytes (one sliver's width: 16 float32 or 8 float64) to the same step of consecutive slivers,
 * `sliverBytes` apart, starting 64 bytes further into them on each row. A bit-exact copy, with
 * unaligned v128 loads because source rows need not be 16-byte aligned.
 */
function packFunction() {
  const copies = [0, 16, 32, 48].map(
    (offset) =>
      `        (v128.store offset=${offset} (local.get $d) (v128.load offset=${offset} (local.get $s)))`,
  );
  return [
    '  ;; packRuns64: copies runs of 64 bytes from rows of a staged panel into their slivers.',
    '  (func $packRuns64 (export "packRuns64")',
    '    (param $source i32) (param $sourceStrideBytes i32) (param $runs i32) (param $depth i32)',
    '    (param $destination i32) (param $sliverBytes i32)',
    '    (local $s i32) (local $d i32) (local $end i32)',
    '    (block $done',
    '      (br_if $done (i32.or (i32.eqz (local.get $runs)) (i32.eqz (local.get $depth))))',
    '      (loop $rows',
    '        (local.set $s (local.get $source))',
    '        (local.set $d (local.get $destination))',
    '        (local.set $end (i32.add (local.get $source) (i32.shl (local.get $runs) (i32.const 6))))',
    '        (loop $run',
    ...copies.map((line) => `  ${line}`),
    '          (local.set $s (i32.add (local.get $s) (i32.const 64)))',
    '          (local.set $d (i32.add (local.get $d) (local.get $sliverBytes)))',
    '          (br_if $run (i32.lt_u (local.get $s) (local.get $end))))',
    '        (local.set $source (i32.add (local.get $source) (local.get $sourceStrideBytes)))',
    '        (local.set $destination (i32.add (local.get $destination) (i32.const 64)))',
    '        (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))',
    '        (br_if $rows (local.get $depth)))))',
  ].join('\n');
}

function moduleText() {
  const header = [
    ';; Generated by packages/tensor/scripts/build-wasm-gemm.mjs: edit the generator, not this file.',
    ';; Packed-panel gemm blocks for the CPU backend (see ../wasm-gemm.ts for the packing and blocking).',
    '(module',
    '  (import "env" "memory" (memory 1))',
  ];
  return `${[...header, ...variants.map(blockFunction), packFunction()].join('\n')})\n`;
}

function tileConstants() {
  return variants
    .map(
      (variant) => `  ${variant.name}: { rows: ${variant.mr}, columns: ${variant.vectors * variant.lanes} },`,
    )
    .join('\n');
}

async function assemble(text) {
  let loadWabt;
  try {
    loadWabt = require('wabt');
  } catch {
    console.error(
      'build-wasm-gemm: the `wabt` package is missing; run `pnpm install` (it is a root devDependency).',
    );
    process.exit(2);
  }
  const wabt = await loadWabt();
  const parsed = wabt.parseWat('gemm-kernels.wat', text, { simd: true });
  parsed.resolveNames();
  parsed.validate();
  const { buffer } = parsed.toBinary({ log: false, write_debug_names: false });
  parsed.destroy();
  return Buffer.from(buffer);
}

const wat = moduleText();
const binary = await assemble(wat);
const moduleSource = `// Generated by packages/tensor/scripts/build-wasm-gemm.mjs from gemm-kernels.wat: do not edit.

/** The gemm block kernels and packing helper as a WebAssembly module (${binary.length} bytes), base64-encoded. */
export const GEMM_KERNELS_WASM_BASE64 =
  '${binary.toString('base64')}';

/** Register tile (rows x columns of C) of each exported kernel; the packing must match it. */
export const GEMM_KERNEL_TILES = {
${tileConstants()}
} as const;
`;

if (process.argv.includes('--check')) {
  const stale = [
    [watPath, wat],
    [modulePath, moduleSource],
  ].filter(([path, text]) => {
    try {
      return readFileSync(path, 'utf8') !== text;
    } catch {
      return true;
    }
  });
  for (const [path] of stale) console.error(`stale: ${path}`);
  process.exit(stale.length > 0 ? 1 : 0);
}
writeFileSync(watPath, wat);
writeFileSync(modulePath, moduleSource);
console.log(`wrote ${watPath} and ${modulePath} (${binary.length} bytes of wasm)`);
