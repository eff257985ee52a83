import { describe, expect, it } from 'vitest';
import { parseConfigOrExit, type ConfigExitHost } from './config-or-exit.ts';
import { BadInputError } from './errors.ts';

/** Thrown by the stand-in `exit`, so the test sees the code and the parse does not carry on. */
class Exit extends Error {
  readonly code: number;

  constructor(code: number) {
    super(`exit ${code}`);
    this.code = code;
  }
}

function exitCode(run: () => unknown): number | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof Exit) return error.code;
    throw error;
  }
  return undefined;
}

function host(): ConfigExitHost & { written: string[] } {
  const written: string[] = [];
  return {
    written,
    stderr: { write: (text: string) => written.push(text) },
    exit: (code: number) => {
      throw new Exit(code);
    },
  };
}

describe('parseConfigOrExit', () => {
  it('returns the parsed configuration', () => {
    expect(parseConfigOrExit('mur-test', () => ({ port: 8080 }), host())).toEqual({ port: 8080 });
  });

  it('names the program and the setting, and exits 2 for a setting the user can fix', () => {
    const sink = host();
    const code = exitCode(() =>
      parseConfigOrExit('mur-test', () => {
        throw new BadInputError('PORT "x" must be a whole number', 'PORT');
      }, sink),
    );
    expect(code).toBe(2);
    expect(sink.written).toEqual(['mur-test: PORT "x" must be a whole number\n']);
  });

  it('exits 1 for any other failure, with its causes', () => {
    const sink = host();
    const code = exitCode(() =>
      parseConfigOrExit('mur-test', () => {
        throw new Error('read settings', { cause: new Error('EACCES') });
      }, sink),
    );
    expect(code).toBe(1);
    expect(sink.written).toEqual(['mur-test: read settings: EACCES\n']);
  });
});
