import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunSummary } from '../../../core/manifest.ts';

/** Kubernetes truncates termination messages at 4096 bytes; stay safely below. */
export const SUMMARY_MAX_BYTES = 4000;

/** One JSON line under SUMMARY_MAX_BYTES; an over-long error message is shortened, never the structure. */
export function formatRunSummary(summary: RunSummary): string {
  let line = JSON.stringify(summary);
  if (Buffer.byteLength(line) <= SUMMARY_MAX_BYTES) return line;
  const error = summary.error ?? '';
  const excess = Buffer.byteLength(line) - SUMMARY_MAX_BYTES;
  line = JSON.stringify({ ...summary, error: `${error.slice(0, Math.max(0, error.length - excess - 20))}…` });
  return Buffer.byteLength(line) <= SUMMARY_MAX_BYTES ? line : JSON.stringify({ ok: summary.ok, error: 'summary too large' });
}

/** Write the summary line to the termination-message file, creating its folder when needed. */
export async function writeTerminationMessage(file: string, line: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${line}\n`);
}
