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
  const { runTrainCommand, recordTermination } = await import('../trainer-image/src/train-command.ts');
  // Kubernetes sends SIGTERM at activeDeadlineSeconds or on eviction: say so in the termination message.
  process.once('SIGTERM', () => {
    recordTermination(process.env, 'SIGTERM', rest);
    process.exit(143);
  });
  process.exitCode = await runTrainCommand({ argv: rest, env: process.env, cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr });
} else if (command === 'serve') {
  await import('../server-image/src/main.ts');
} else {
  process.stdout.write(USAGE);
  process.exitCode = command === undefined || command === '--help' || command === '-h' ? 0 : 2;
}
