/** The message a container leaves when it ends: its termination message file, or the tail of its output. */
import { open } from 'node:fs/promises';

/** The kubelet's limits: the message file is read up to 4096 bytes, a log fallback is at most 80 lines and 2048 bytes. */
const MESSAGE_FILE_MAX_BYTES = 4096;
const FALLBACK_MAX_LINES = 80;
const FALLBACK_MAX_BYTES = 2048;

async function readCapped(file: string): Promise<string> {
  try {
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(MESSAGE_FILE_MAX_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, MESSAGE_FILE_MAX_BYTES, 0);
      return buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return '';
  }
}

/** The last lines of `output`, within the fallback limits. */
export function outputTail(output: string): string {
  const lines = output.replace(/\n+$/, '').split('\n').slice(-FALLBACK_MAX_LINES).join('\n');
  const bytes = Buffer.from(lines);
  return bytes.length <= FALLBACK_MAX_BYTES ? lines : bytes.subarray(bytes.length - FALLBACK_MAX_BYTES).toString('utf8');
}

/**
 * The terminated state's message: the file's contents; with FallbackToLogsOnError, a failed container that
 * left the file empty gets the tail of its output instead. Undefined when there is nothing to say.
 */
export async function terminationMessage(file: string, policy: string | undefined, exitCode: number, output: string): Promise<string | undefined> {
  const message = await readCapped(file);
  if (message) return message;
  if (policy === 'FallbackToLogsOnError' && exitCode !== 0) return outputTail(output) || undefined;
  return undefined;
}
