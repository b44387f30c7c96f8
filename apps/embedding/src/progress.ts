/** A one-line progress bar that redraws in a terminal and prints occasional plain lines otherwise. */

/** Where progress goes: a stream with `write` (and `isTTY` when it is a terminal). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Progress over `total` units, labelled, with rate, elapsed time and ETA. */
export class ProgressBar {
  private readonly started = performance.now();
  private lastDraw = 0;
  private lastPlainPercent = -1;
  private lastPlainTime = performance.now();

  /** `unit` names what `total` counts (e.g. `pairs`), for the rate. */
  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: ProgressStream,
    private readonly unit: string,
  ) {}

  /** Reports `done` units so far with an extra `info` text (e.g. the running loss). */
  update(done: number, info: string): void {
    const now = performance.now();
    const elapsed = (now - this.started) / 1000;
    const fraction = Math.min(1, done / this.total);
    const rate = done / Math.max(elapsed, 1e-9);
    const eta = (this.total - done) / rate;
    const text = `${this.label} ${(fraction * 100).toFixed(0).padStart(3)}% ${info} ${formatRate(rate)} ${this.unit}/s elapsed ${formatSeconds(elapsed)} eta ${formatSeconds(eta)}`;
    if (this.stream.isTTY) {
      // Redraw at most 10 times a second: writing to a terminal is not free.
      if (now - this.lastDraw < 100 && done < this.total) return;
      this.lastDraw = now;
      const width = 24;
      const filled = Math.round(fraction * width);
      this.stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}\x1b[K`);
    } else {
      // Plain output (a pipe, a CI log): a line every 25% and at least every 15 seconds.
      const percent = Math.floor(fraction * 4) * 25;
      if (percent > this.lastPlainPercent || now - this.lastPlainTime > 15_000) {
        this.lastPlainPercent = Math.max(percent, this.lastPlainPercent);
        this.lastPlainTime = now;
        this.stream.write(`${text}\n`);
      }
    }
  }

  /** Ends the bar's line. */
  finish(): void {
    if (this.stream.isTTY) this.stream.write('\n');
  }
}

function formatRate(rate: number): string {
  if (rate >= 1e6) return `${(rate / 1e6).toFixed(2)}M`;
  if (rate >= 1e3) return `${(rate / 1e3).toFixed(1)}k`;
  return rate.toFixed(1);
}
