import { describe, expect, it } from 'vitest';
import { logStorageRetry } from './storage-retry-log.ts';

describe('logStorageRetry', () => {
  it('logs the attempt, the error and the next wait of each retry', () => {
    const lines: Array<{ details: Record<string, unknown>; message: string }> = [];
    const log = { warn: (details: Record<string, unknown>, message: string) => void lines.push({ details, message }) };
    const onRetry = logStorageRetry(log as never, 's3://models/run-1/');
    onRetry({ attempt: 2, attempts: 5, delayMs: 2635, error: new Error('stat manifest.json', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') }) });
    expect(lines).toEqual([
      {
        details: { attempt: 2, attempts: 5, delayMs: 2635, target: 's3://models/run-1/', error: 'stat manifest.json: connect ECONNREFUSED 127.0.0.1:9' },
        message: 'object storage attempt 2 of 5 failed (stat manifest.json: connect ECONNREFUSED 127.0.0.1:9); retrying in 2.6 s',
      },
    ]);
  });
});
