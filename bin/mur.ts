#!/usr/bin/env node
// `mur`: the Make Us Rich command line. Each subcommand is imported on demand so that an image
// carrying only the trainer (or only the server) never loads the other's dependencies.

const [command, ...rest] = process.argv.slice(2);

const USAGE = `Usage: mur <command> [flags]

Commands:
  train   fetch candles, train, backtest, export ONNX and write a versioned artifact
  serve   serve an artifact over HTTP (the inference service)

Run 'mur <command> --help' for the command's flags.
`;

if (command === 'train') {
  const { runTrainerProcess } = await import('../trainer-image/src/trainer-process.ts');
  await runTrainerProcess(rest);
} else if (command === 'serve') {
  await import('../server-image/src/main.ts');
} else {
  process.stdout.write(USAGE);
  process.exitCode = command === undefined || command === '--help' || command === '-h' ? 0 : 2;
}
