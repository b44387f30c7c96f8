/** 2-D PCA of word vectors through `linalg.svd`, drawn as an SVG scatter plot with labels. */
import * as torch from '@proj/tensor';

/** Coordinates of each row of `vectors` `[n, dim]` on the first two principal components. */
export function pca2d(
  vectors: Float32Array,
  rows: number,
  dim: number,
): { x: number[]; y: number[]; explained: number[] } {
  const matrix = torch.fromTypedArray(vectors.slice(0, rows * dim), [rows, dim]).to('float64');
  const centered = matrix.sub(matrix.mean(0, true));
  // Reduced SVD: centered = U S Vh; the principal coordinates are U S (equivalently centered Vhᵀ).
  const { U, S } = torch.linalg.svd(centered, { fullMatrices: false });
  const coordinates = U.narrow(1, 0, 2).mul(S.narrow(0, 0, 2));
  const values = coordinates.tolist() as number[][];
  const variances = S.pow(2).tolist() as number[];
  const total = variances.reduce((a, b) => a + b, 0);
  return {
    x: values.map((row) => row[0]!),
    y: values.map((row) => row[1]!),
    explained: variances.slice(0, 2).map((v) => v / total),
  };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A labelled point of the plot. */
export interface PlotPoint {
  label: string;
  /** Legend group (a category name, or `other`). */
  group: string;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

/** An SVG scatter plot of `points` at PCA coordinates (x, y), coloured by group, with a legend. */
export function scatterSvg(
  points: readonly PlotPoint[],
  x: readonly number[],
  y: readonly number[],
  title: string,
): string {
  const width = 900;
  const height = 700;
  const margin = 50;
  const minX = Math.min(...x);
  const maxX = Math.max(...x);
  const minY = Math.min(...y);
  const maxY = Math.max(...y);
  const sx = (v: number) => margin + ((v - minX) / (maxX - minX || 1)) * (width - 2 * margin - 120);
  const sy = (v: number) => height - margin - ((v - minY) / (maxY - minY || 1)) * (height - 2 * margin);
  const groups = [...new Set(points.map((p) => p.group))];
  const colour = (group: string) =>
    group === 'other' ? '#999999' : PALETTE[groups.indexOf(group) % PALETTE.length]!;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16">${escapeXml(title)}</text>`,
  ];
  points.forEach((point, i) => {
    const px = sx(x[i]!).toFixed(1);
    const py = sy(y[i]!).toFixed(1);
    const fill = colour(point.group);
    parts.push(`<circle cx="${px}" cy="${py}" r="3" fill="${fill}"/>`);
    parts.push(
      `<text x="${px}" y="${py}" dx="4" dy="-3" font-size="10" fill="${fill}">${escapeXml(point.label)}</text>`,
    );
  });
  groups.forEach((group, i) => {
    const ly = margin + i * 18;
    parts.push(`<circle cx="${width - 140}" cy="${ly}" r="5" fill="${colour(group)}"/>`);
    parts.push(`<text x="${width - 130}" y="${ly + 4}" font-size="12">${escapeXml(group)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
