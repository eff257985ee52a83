// Entry point of the trainer image: `node trainer-image/src/main.ts [flags]` is `mur train [flags]`.
import { runTrainerProcess } from './trainer-process.ts';

await runTrainerProcess(process.argv.slice(2));
