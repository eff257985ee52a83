import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readTrainerEnv, TRAINER_ENV, TRAINER_ENV_SETTINGS } from './environment.ts';

const ENTRY = fileURLToPath(new URL('../train-command.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** Every source file `mur train` loads from this repository, following relative imports from its command module. */
function trainerSourceFiles(): string[] {
  const seen = new Set<string>();
  const pending = [ENTRY];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/\bfrom\s+'(\.{1,2}\/[^']+)'|import\(\s*'(\.{1,2}\/[^']+)'\s*\)/g)) {
      pending.push(path.resolve(path.dirname(file), (match[1] ?? match[2])!));
    }
  }
  return [...seen];
}

/**
 * Variable names a file reads: `env.NAME` and, in files that mention an `env` at all, quoted
 * UPPER_SNAKE names (as passed to envText and friends, or listed in a setting's names).
 */
function variablesReadBy(text: string): string[] {
  if (!/\benv\b/.test(text)) return [];
  return [...text.matchAll(/\benv\??\.([A-Z][A-Z0-9_]*)\b|'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g)].map((match) => (match[1] ?? match[2])!);
}

describe('the trainer environment table', () => {
  it('lists every variable the trainer and the core code it loads read', () => {
    const listed = new Set(TRAINER_ENV_SETTINGS.flatMap((setting) => setting.names));
    const files = trainerSourceFiles();
    expect(files.map((file) => path.relative(REPO, file))).toContain('core/storage/s3-config.ts');
    const unlisted = files.flatMap((file) => variablesReadBy(readFileSync(file, 'utf8')).filter((name) => !listed.has(name)).map((name) => `${name} (${path.relative(REPO, file)})`));
    expect(unlisted).toEqual([]);
  });

  it('finds variables read directly from the environment object', () => {
    expect(variablesReadBy("const level = io.env.LOG_LEVEL ?? 'info';")).toEqual(['LOG_LEVEL']);
    expect(variablesReadBy("envText(env, 'S3_SESSION_TOKEN')")).toEqual(['S3_SESSION_TOKEN']);
  });

  it('names each variable once', () => {
    const names = TRAINER_ENV_SETTINGS.flatMap((setting) => setting.names);
    expect(new Set(names).size).toBe(names.length);
  });

  it('reads the first name that is set, ignoring blank values', () => {
    const setting = { names: ['FIRST', 'SECOND'], default: '—', meaning: 'test' };
    expect(readTrainerEnv({ FIRST: ' ', SECOND: 'b' }, setting)).toBe('b');
    expect(readTrainerEnv({ FIRST: 'a', SECOND: 'b' }, setting)).toBe('a');
    expect(readTrainerEnv({}, TRAINER_ENV.logLevel)).toBeUndefined();
  });
});
