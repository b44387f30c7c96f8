// Loads tfjs-core with its CPU backend and, where it loads, the wasm backend — shared by the benchmarks.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * Registers the wasm backend next to the CPU one. In Node the wasm backend loads its binary with fs from a plain
 * directory path (not a URL), and its threaded-SIMD build needs Blob-URL workers, which Node lacks, so the
 * single-threaded SIMD build is requested. Returns the usable backend names and a note on the wasm build.
 */
export async function loadTfjsWasm(tf) {
  const backends = ['cpu'];
  let wasmNote = null;
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    const dist = require
      .resolve('@tensorflow/tfjs-backend-wasm/package.json')
      .replace(/package\.json$/, 'dist/');
    wasm.setWasmPaths(dist);
    if (await tf.setBackend('wasm')) {
      backends.push('wasm');
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      wasmNote = simd ? 'SIMD, 1 thread' : 'no SIMD, 1 thread';
    }
  } catch (error) {
    wasmNote = `failed to load: ${error?.message ?? error}`;
  }
  return { backends, wasmNote };
}

/** Silences tfjs's banner suggesting tfjs-node (noise in a benchmark's output); other warnings pass through. */
export function quietTfjsBanner() {
  const originalWarn = console.warn;
  console.warn = (...parts) => {
    if (typeof parts[0] === 'string' && parts[0].includes('tfjs-node')) return;
    originalWarn(...parts);
  };
}
