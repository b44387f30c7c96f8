import { describe, expect, it } from 'vitest';
import { svgToPng } from './png.js';

describe('svgToPng', () => {
  it('renders a PNG of the SVG size, with its text drawn', async () => {
    const frame =
      '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" font-family="system-ui, sans-serif"><rect width="100%" height="100%" fill="white"/>';
    const blank = await svgToPng(`${frame}</svg>`);
    const text = await svgToPng(`${frame}<text x="5" y="25" font-weight="700">accuracy 98%</text></svg>`);
    expect(Array.from(text.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const view = new DataView(text.buffer, text.byteOffset, text.byteLength);
    expect([view.getUint32(16), view.getUint32(20)]).toEqual([120, 40]);
    // Without a font resvg skips text silently, and both images would be the same.
    expect(Buffer.from(text).equals(Buffer.from(blank))).toBe(false);
  });
});
