#!/usr/bin/env node
/** Entry point: `node apps/embedding/dist/cli.js <command> [options]` (or `pnpm embedding ...` at the root). */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
