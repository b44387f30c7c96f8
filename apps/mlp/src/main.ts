#!/usr/bin/env node
/**
 * `pnpm mlp [options]`: trains the MNIST MLP. Exit status 0 on success, 1 when the data, a checkpoint or a setting
 * is unusable, 2 for a bad command line, 130 when interrupted.
 */
import { CheckpointError } from './checkpoint.js';
import { HELP, parseCommandLine, UsageError } from './cli.js';
import { MnistDataError } from './mnist.js';
import { RunError, runTraining } from './train.js';

/** Runs the command line `argv`; resolves to the process exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  let command: ReturnType<typeof parseCommandLine>;
  try {
    command = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`error: ${error.message}\nRun with --help to see the options.\n`);
    return 2;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  try {
    await runTraining({ config: command.config, explicit: command.explicit, settings: command.settings });
    return 0;
  } catch (error) {
    if (error instanceof MnistDataError || error instanceof CheckpointError || error instanceof RunError) {
      process.stderr.write(`\nerror: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

process.on('SIGINT', () => {
  // The checkpoint of the last finished epoch is intact (it is replaced atomically), so say how to go on.
  process.stderr.write(
    '\ninterrupted: the checkpoint, if an epoch finished, holds the last finished one; continue with --resume\n',
  );
  process.exit(130);
});

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(
      `\nerror: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
