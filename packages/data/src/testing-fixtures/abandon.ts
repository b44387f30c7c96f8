/**
 * Run in a child process by `worker.test.ts`: starts a two-worker loader (persistent or not, by argv), takes one
 * batch and walks away without `break`. The process must still exit on its own.
 */
import { DataLoader } from '../index.js';
import { RangeDataset } from './datasets.js';

const persistent = process.argv.includes('--persistent');
const loader = new DataLoader(new RangeDataset(1000), {
  batchSize: 4,
  numWorkers: 2,
  persistentWorkers: persistent,
});
const iterator = loader[Symbol.asyncIterator]();
const first = await iterator.next();
console.log(`got batch ${first.done ? 'none' : 'one'}`);
