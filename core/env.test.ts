import { describe, expect, it } from 'vitest';
import { BadInputError } from './errors.ts';
import { envBoolean, envInteger, envLogLevel, envNumber, envText, requiredEnvText } from './env.ts';

describe('environment readers', () => {
  it('treat unset and blank variables alike and trim values', () => {
    expect(envText({ A: '  x ' }, 'A')).toBe('x');
    expect(envText({ A: '   ' }, 'A')).toBeUndefined();
    expect(envNumber({ A: '' }, 'A', 7)).toBe(7);
    expect(envBoolean({}, 'A', true)).toBe(true);
    expect(() => requiredEnvText({ A: ' ' }, 'A')).toThrow(new BadInputError('A is required', 'A'));
  });

  it('read numbers and whole numbers within their range, naming the variable and the value otherwise', () => {
    expect(envNumber({ R: '2.5' }, 'R', 1, { min: 0 })).toBe(2.5);
    expect(envInteger({ P: '8080' }, 'P', 0, { min: 0, max: 65_535 })).toBe(8080);
    expect(() => envInteger({ P: '80.5' }, 'P', 0, { min: 0, max: 65_535 })).toThrow('P "80.5" must be a whole number from 0 to 65535');
    expect(() => envInteger({ P: 'http' }, 'P', 0)).toThrow(/^P "http" must be a whole number$/);
    expect(() => envNumber({ R: '-1' }, 'R', 1, { min: 0 })).toThrow('R "-1" must be a number ≥ 0');
    expect(() => envNumber({ R: 'Infinity' }, 'R', 1)).toThrow('R "Infinity" must be a number');
    const refusal = (() => {
      try {
        envInteger({ W: 'many' }, 'W', 1);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refusal).toBeInstanceOf(BadInputError);
    expect((refusal as BadInputError).field).toBe('W');
  });

  it('read booleans in the usual spellings and refuse anything else', () => {
    for (const word of ['true', 'TRUE', '1', 'yes', 'on']) expect(envBoolean({ B: word }, 'B', false)).toBe(true);
    for (const word of ['false', '0', 'No', 'off']) expect(envBoolean({ B: word }, 'B', true)).toBe(false);
    expect(() => envBoolean({ B: 'sometimes' }, 'B', true)).toThrow('B "sometimes" must be true or false');
  });

  it('read a log level, case-insensitively', () => {
    expect(envLogLevel({})).toBe('info');
    expect(envLogLevel({ LOG_LEVEL: 'DEBUG' })).toBe('debug');
    expect(() => envLogLevel({ LOG_LEVEL: 'loud' })).toThrow('LOG_LEVEL "loud" must be one of fatal, error, warn, info, debug, trace, silent');
  });
});
