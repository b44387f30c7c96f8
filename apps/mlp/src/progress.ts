/**
 * Progress output: a bar redrawn in place on a terminal, plain lines (about five per epoch) otherwise, so that
 * logs and CI output stay readable.
 */

/** Where output goes: `process.stdout` or anything with `write` (the tests collect lines). */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** A snapshot of the epoch in progress. */
export interface BatchProgress {
  epoch: number;
  epochs: number;
  /** Samples seen so far in this epoch, and in all. */
  seen: number;
  total: number;
  /** Running means over the epoch so far. */
  loss: number;
  accuracy: number;
  /** Seconds since the epoch started. */
  elapsed: number;
}

/** Formats seconds as `42s`, `3m 05s` or `1h 02m`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function describe(progress: BatchProgress): string {
  const rate = progress.elapsed > 0 ? progress.seen / progress.elapsed : 0;
  const eta = rate > 0 ? (progress.total - progress.seen) / rate : Number.NaN;
  return (
    `loss ${progress.loss.toFixed(4)}  acc ${(100 * progress.accuracy).toFixed(2)}%  ` +
    `${rate.toFixed(0)} samples/s  ${progress.seen < progress.total ? `ETA ${formatDuration(eta)}` : formatDuration(progress.elapsed)}`
  );
}

/** Reports training progress to a stream; `line` prints a message (clearing a bar being drawn first). */
export class ProgressReporter {
  private readonly stream: OutputStream;
  private readonly live: boolean;
  private lastDraw = 0;
  private barShown = false;
  private nextPlainFraction = 0.2;

  constructor(stream: OutputStream, options: { live?: boolean } = {}) {
    this.stream = stream;
    this.live = options.live ?? stream.isTTY === true;
  }

  /** Prints a line of text. */
  line(text: string): void {
    this.clearBar();
    this.stream.write(`${text}\n`);
  }

  /** Called when an epoch starts. */
  epochStart(): void {
    this.lastDraw = 0;
    this.nextPlainFraction = 0.2;
  }

  /** Called after each batch; draws at most ten times a second (a terminal) or every 20% (plain output). */
  batch(progress: BatchProgress): void {
    const done = progress.seen >= progress.total;
    const prefix = `epoch ${progress.epoch}/${progress.epochs}`;
    if (this.live) {
      const now = performance.now();
      if (!done && now - this.lastDraw < 100) return;
      this.lastDraw = now;
      const fraction = progress.seen / progress.total;
      const width = Math.max(10, Math.min(30, (this.stream.columns ?? 100) - 90));
      const filled = Math.round(fraction * width);
      const bar = `[${'='.repeat(filled)}${filled < width ? '>' : ''}${' '.repeat(Math.max(0, width - filled - 1))}]`;
      const percent = `${(100 * fraction).toFixed(0).padStart(3)}%`;
      this.stream.write(`\r\x1b[2K${prefix} ${bar} ${percent} ${describe(progress)}`);
      this.barShown = true;
      return;
    }
    if (progress.seen / progress.total + 1e-9 < this.nextPlainFraction && !done) return;
    while (this.nextPlainFraction <= progress.seen / progress.total + 1e-9) this.nextPlainFraction += 0.2;
    if (done) return; // the epoch summary line follows
    const width = String(progress.total).length;
    this.stream.write(
      `${prefix}  ${String(progress.seen).padStart(width)}/${progress.total}  ${describe(progress)}\n`,
    );
  }

  private clearBar(): void {
    if (this.barShown) this.stream.write('\r\x1b[2K');
    this.barShown = false;
  }
}
