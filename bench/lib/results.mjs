// Where the benchmarks leave their machine-readable results.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Writes `report` as bench/results/<name>.json and says so, with the run's total time. */
export function writeReport(name, report) {
  const outputDirectory = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(outputDirectory, { recursive: true });
  writeFileSync(`${outputDirectory}${name}.json`, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote bench/results/${name}.json in ${report.durationS.toFixed(0)} s total`);
}
