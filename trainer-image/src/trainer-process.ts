/** `mur train` as a whole process: the command, its exit code, and the termination message on SIGTERM. */
import { recordTermination, runTrainCommand } from './train-command.ts';

/** Train with `argv` (the flags after `train`), set the exit code, and leave a termination message if Kubernetes stops us. */
export async function runTrainerProcess(argv: readonly string[]): Promise<void> {
  // Kubernetes sends SIGTERM at activeDeadlineSeconds or on eviction: say so in the termination message.
  process.once('SIGTERM', () => {
    recordTermination(process.env, 'SIGTERM', argv);
    process.exit(143);
  });
  process.exitCode = await runTrainCommand({ argv, env: process.env, cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr });
}
