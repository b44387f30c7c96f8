/**
 * Figures as hand-written SVG (opens in any browser; `png.ts` renders PNG copies): the loss and accuracy curves,
 * and the confusion matrix on the test set.
 */
import type { History } from './history.js';

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"';
const TRAIN_COLOR = '#1f77b4';
const TEST_COLOR = '#d62728';

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Round tick values covering [low, high]: steps of 1, 2 or 5 times a power of ten. */
export function niceTicks(low: number, high: number, count = 5): number[] {
  if (!(high > low)) return [low];
  const raw = (high - low) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(low / step - 1e-9) * step; t <= high + step * 1e-9; t += step)
    ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

interface Series {
  label: string;
  color: string;
  points: [number, number][];
  /** Draw dots at the points (epoch values) rather than a bare line (per-batch values). */
  markers: boolean;
}

interface Panel {
  title: string;
  yLabel: string;
  series: Series[];
  format: (y: number) => string;
  /** Fixed y range, or null to fit the data. */
  yRange: [number, number] | null;
}

function panelSvg(
  panel: Panel,
  left: number,
  top: number,
  width: number,
  height: number,
  xMax: number,
): string {
  const plotLeft = left + 56;
  const plotTop = top + 30;
  const plotWidth = width - 56 - 16;
  const plotHeight = height - 30 - 44;
  const ys = panel.series.flatMap((s) => s.points.map((p) => p[1])).filter(Number.isFinite);
  let [yLow, yHigh] = panel.yRange ?? [Math.min(...ys), Math.max(...ys)];
  if (!Number.isFinite(yLow) || !Number.isFinite(yHigh)) [yLow, yHigh] = [0, 1];
  if (yHigh - yLow < 1e-9) [yLow, yHigh] = [yLow - 0.5, yHigh + 0.5];
  const yTicks = niceTicks(yLow, yHigh);
  yLow = Math.min(yLow, yTicks[0]!);
  yHigh = Math.max(yHigh, yTicks[yTicks.length - 1]!);
  const x = (v: number) => plotLeft + (v / xMax) * plotWidth;
  const y = (v: number) => plotTop + plotHeight - ((v - yLow) / (yHigh - yLow)) * plotHeight;
  const parts: string[] = [];
  parts.push(
    `<text x="${left + width / 2}" y="${top + 18}" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(panel.title)}</text>`,
  );
  parts.push(
    `<rect x="${plotLeft}" y="${plotTop}" width="${plotWidth}" height="${plotHeight}" fill="#fafafa" stroke="#999"/>`,
  );
  for (const t of yTicks) {
    const py = y(t).toFixed(1);
    parts.push(
      `<line x1="${plotLeft}" x2="${plotLeft + plotWidth}" y1="${py}" y2="${py}" stroke="#e3e3e3"/>`,
    );
    parts.push(
      `<text x="${plotLeft - 6}" y="${py}" dy="4" text-anchor="end" font-size="11">${panel.format(t)}</text>`,
    );
  }
  for (const t of niceTicks(0, xMax, Math.min(10, Math.max(1, xMax)))) {
    if (t !== Math.round(t)) continue; // whole epochs only
    const px = x(t).toFixed(1);
    parts.push(`<line x1="${px}" x2="${px}" y1="${plotTop}" y2="${plotTop + plotHeight}" stroke="#e3e3e3"/>`);
    parts.push(
      `<text x="${px}" y="${plotTop + plotHeight + 16}" text-anchor="middle" font-size="11">${t}</text>`,
    );
  }
  parts.push(
    `<text x="${plotLeft + plotWidth / 2}" y="${plotTop + plotHeight + 34}" text-anchor="middle" font-size="12">epoch</text>`,
  );
  parts.push(
    `<text transform="translate(${left + 14} ${plotTop + plotHeight / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escapeXml(panel.yLabel)}</text>`,
  );
  panel.series.forEach((series, index) => {
    const points = series.points.filter((p) => Number.isFinite(p[1]));
    if (points.length > 0) {
      const path = points
        .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`)
        .join(' ');
      const width = series.markers ? 2 : 1.2;
      parts.push(
        `<path d="${path}" fill="none" stroke="${series.color}" stroke-width="${width}" opacity="${series.markers ? 1 : 0.75}"/>`,
      );
      if (series.markers) {
        for (const p of points) {
          parts.push(
            `<circle cx="${x(p[0]).toFixed(1)}" cy="${y(p[1]).toFixed(1)}" r="3.5" fill="${series.color}"><title>epoch ${p[0]}: ${panel.format(p[1])}</title></circle>`,
          );
        }
      }
    }
    const ly = plotTop + 14 + 16 * index;
    const lx = plotLeft + plotWidth - 130;
    parts.push(
      `<line x1="${lx}" x2="${lx + 18}" y1="${ly - 4}" y2="${ly - 4}" stroke="${series.color}" stroke-width="2"/>`,
    );
    parts.push(`<text x="${lx + 24}" y="${ly}" font-size="11">${escapeXml(series.label)}</text>`);
  });
  return parts.join('\n');
}

/**
 * Two panels side by side: loss (training loss per batch, averaged over a twentieth of an epoch, and the epoch
 * means; test loss after each epoch) and accuracy (training and test, per epoch).
 */
export function curvesSvg(history: History, title: string): string {
  const width = 1000;
  const height = 380;
  const epochs = history.epochs;
  const xMax = Math.max(1, epochs.length, ...history.steps.map((p) => p.epoch));
  const losses = [...history.steps.map((p) => p.loss), ...epochs.flatMap((e) => [e.trainLoss, e.testLoss])];
  const loss: Panel = {
    title: 'Loss (cross-entropy)',
    yLabel: 'loss',
    format: (v) => v.toFixed(2),
    yRange: [0, Math.max(0.1, ...losses.filter(Number.isFinite))],
    series: [
      {
        label: 'train (running)',
        color: '#9ecae1',
        markers: false,
        points: history.steps.map((p) => [p.epoch, p.loss]),
      },
      {
        label: 'train (epoch mean)',
        color: TRAIN_COLOR,
        markers: true,
        points: epochs.map((e) => [e.epoch, e.trainLoss]),
      },
      { label: 'test', color: TEST_COLOR, markers: true, points: epochs.map((e) => [e.epoch, e.testLoss]) },
    ],
  };
  const accuracies = epochs.flatMap((e) => [e.trainAccuracy, e.testAccuracy]);
  const low = accuracies.length > 0 ? Math.max(0, Math.floor(Math.min(...accuracies) * 50 - 0.5) / 50) : 0;
  const accuracy: Panel = {
    title: 'Accuracy',
    yLabel: 'accuracy',
    format: (v) => `${(100 * v).toFixed(1)}%`,
    yRange: [low, 1],
    series: [
      {
        label: 'train',
        color: TRAIN_COLOR,
        markers: true,
        points: epochs.map((e) => [e.epoch, e.trainAccuracy]),
      },
      {
        label: 'test',
        color: TEST_COLOR,
        markers: true,
        points: epochs.map((e) => [e.epoch, e.testAccuracy]),
      },
    ],
  };
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + 30}" viewBox="0 0 ${width} ${height + 30}" ${FONT}>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="16" font-weight="700">${escapeXml(title)}</text>`,
    panelSvg(loss, 0, 30, width / 2, height, xMax),
    panelSvg(accuracy, width / 2, 30, width / 2, height, xMax),
    '</svg>',
    '',
  ].join('\n');
}

/**
 * The confusion matrix as a heat map: rows are true digits, columns predictions; cells are shaded by the share of
 * their row (so errors show up even next to a diagonal of ~1000), and each row ends with that digit's recall.
 */
export function confusionSvg(confusion: number[][], title: string): string {
  const n = confusion.length;
  const cell = 46;
  const left = 70;
  const top = 80;
  const width = left + n * cell + 90;
  const height = top + n * cell + 50;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="16" font-weight="700">${escapeXml(title)}</text>`,
    `<text x="${left + (n * cell) / 2}" y="${top - 32}" text-anchor="middle" font-size="13">predicted digit</text>`,
    `<text transform="translate(${left - 42} ${top + (n * cell) / 2}) rotate(-90)" text-anchor="middle" font-size="13">true digit</text>`,
    `<text x="${left + n * cell + 45}" y="${top - 10}" text-anchor="middle" font-size="12">recall</text>`,
  ];
  for (let i = 0; i < n; i++) {
    parts.push(
      `<text x="${left + i * cell + cell / 2}" y="${top - 10}" text-anchor="middle" font-size="13">${i}</text>`,
    );
    parts.push(
      `<text x="${left - 12}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end" font-size="13">${i}</text>`,
    );
  }
  for (let r = 0; r < n; r++) {
    const row = confusion[r] ?? [];
    const rowTotal = row.reduce((a, b) => a + b, 0);
    for (let c = 0; c < n; c++) {
      const count = row[c] ?? 0;
      const share = rowTotal > 0 ? count / rowTotal : 0;
      // Errors are rare: a square-root scale makes a handful of mistakes visible next to the diagonal.
      const intensity = r === c ? share : Math.min(1, Math.sqrt(share * 8));
      const [red, green, blue] = r === c ? [33, 113, 181] : [203, 24, 29];
      const mix = (channel: number) => Math.round(255 - (255 - channel) * intensity);
      const fill = count === 0 ? '#ffffff' : `rgb(${mix(red)},${mix(green)},${mix(blue)})`;
      const x = left + c * cell;
      const y = top + r * cell;
      parts.push(
        `<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}" stroke="#ddd"><title>true ${r}, predicted ${c}: ${count}</title></rect>`,
      );
      if (count > 0) {
        const dark = intensity > 0.55;
        parts.push(
          `<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" font-size="12" fill="${dark ? 'white' : '#222'}">${count}</text>`,
        );
      }
    }
    const recall = rowTotal > 0 ? (100 * (row[r] ?? 0)) / rowTotal : 0;
    parts.push(
      `<text x="${left + n * cell + 45}" y="${top + r * cell + cell / 2 + 4}" text-anchor="middle" font-size="12">${recall.toFixed(1)}%</text>`,
    );
  }
  const total = confusion.reduce((sum, row) => sum + row.reduce((a, b) => a + b, 0), 0);
  const correct = confusion.reduce((sum, row, i) => sum + (row[i] ?? 0), 0);
  parts.push(
    `<text x="${left + (n * cell) / 2}" y="${top + n * cell + 30}" text-anchor="middle" font-size="13">${correct} of ${total} correct (${total > 0 ? ((100 * correct) / total).toFixed(2) : '0.00'}%)</text>`,
  );
  parts.push('</svg>', '');
  return parts.join('\n');
}

/** The confusion matrix as text, for the terminal. */
export function confusionText(confusion: number[][]): string {
  const width = Math.max(4, ...confusion.flat().map((v) => String(v).length + 1));
  const header = `true\\pred${confusion.map((_, i) => String(i).padStart(width)).join('')}`;
  const rows = confusion.map(
    (row, i) => `${String(i).padStart(9)}${row.map((v) => String(v).padStart(width)).join('')}`,
  );
  return [header, ...rows].join('\n');
}
