/** PNG copies of the SVG figures, rendered by resvg (WebAssembly) with the DejaVu Sans fonts of an npm package. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { initWasm, Resvg } from '@resvg/resvg-wasm';

/** The font families drawn in the PNG: every `font-family` of our SVGs falls back to DejaVu Sans. */
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'];

let fonts: Promise<Uint8Array[]> | undefined;

// NOTE [Fonts for the PNG figures]: resvg draws text only with the fonts it is handed, and the WebAssembly build
// cannot read the system's (a bare CI machine may have none anyway, and then every label would silently vanish).
// So the wasm module and the fonts both come from node_modules: `@resvg/resvg-wasm` and `dejavu-fonts-ttf`, read
// at run time, with no native build step and no download, the same on every platform.
async function load(): Promise<Uint8Array[]> {
  const require = createRequire(import.meta.url);
  try {
    await initWasm(readFileSync(require.resolve('@resvg/resvg-wasm/index_bg.wasm')));
  } catch (error) {
    // The wasm module keeps its state per process: a second copy of this module (test runners reload modules)
    // finds it ready.
    if (!/Already initialized/.test((error as Error).message)) throw error;
  }
  const fontDir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  return FONT_FILES.map((file) => readFileSync(join(fontDir, file)));
}

/**
 * Renders `svg` to PNG bytes at its own size (1 SVG unit = 1 pixel), text in DejaVu Sans.
 *
 * @example
 * writeFileSync('figure.png', await svgToPng(svgText));
 */
export async function svgToPng(svg: string): Promise<Uint8Array> {
  fonts ??= load();
  let fontBuffers: Uint8Array[];
  try {
    fontBuffers = await fonts;
  } catch (error) {
    fonts = undefined;
    throw new Error(
      `could not load the PNG renderer from @resvg/resvg-wasm and dejavu-fonts-ttf (run \`pnpm install\` at the repository root): ${(error as Error).message}`,
    );
  }
  const resvg = new Resvg(svg, {
    font: { fontBuffers, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  try {
    const image = resvg.render();
    try {
      return image.asPng();
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}
