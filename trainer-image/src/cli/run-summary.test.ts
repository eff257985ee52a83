import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatRunSummary, SUMMARY_MAX_BYTES, writeTerminationMessage } from './run-summary.ts';

describe('formatRunSummary', () => {
  it('keeps a normal summary intact on one line', () => {
    const line = formatRunSummary({ ok: true, artifactUri: 's3://b/ns/fm/run/', sha256: 'a'.repeat(64), version: 'run' });
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({ ok: true, artifactUri: 's3://b/ns/fm/run/', sha256: 'a'.repeat(64), version: 'run' });
  });

  it('shortens a huge error message to fit the termination-message limit', () => {
    const line = formatRunSummary({ ok: false, reason: 'BadInput', error: 'x'.repeat(10_000) });
    expect(Buffer.byteLength(line)).toBeLessThanOrEqual(SUMMARY_MAX_BYTES);
    expect(JSON.parse(line)).toMatchObject({ ok: false, reason: 'BadInput' });
  });

  it('writes the line to the termination-message file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mur-summary-'));
    const file = path.join(dir, 'nested', 'termination-log');
    try {
      await writeTerminationMessage(file, '{"ok":true}');
      expect(await readFile(file, 'utf8')).toBe('{"ok":true}\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
