import { BadInputError } from './errors.ts';

/** Environment variables as a process sees them (`process.env`, or a plain object in tests). */
export type Env = Readonly<Record<string, string | undefined>>;

/** Range of a numeric variable; either bound may be left open. */
export interface EnvRange {
  readonly min?: number;
  readonly max?: number;
}

/** The pino log levels a LOG_LEVEL variable may name. */
export const LOG_LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];

/** A variable's trimmed value; undefined when it is unset or blank. */
export function envText(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** A variable that must be set: its trimmed value, or a BadInputError `NAME is required`. */
export function requiredEnvText(env: Env, name: string): string {
  const value = envText(env, name);
  if (value === undefined) throw new BadInputError(`${name} is required`, name);
  return value;
}

/** A finite number within `range`, `fallback` when unset: `NAME "x" must be a number ≥ 0 and ≤ 1` otherwise. */
export function envNumber(env: Env, name: string, fallback: number, range: EnvRange = {}): number {
  return readNumber(env, name, fallback, range, 'a number', Number.isFinite);
}

/** A whole number within `range`, `fallback` when unset: `NAME "x" must be a whole number from 1 to 64` otherwise. */
export function envInteger(env: Env, name: string, fallback: number, range: EnvRange = {}): number {
  return readNumber(env, name, fallback, range, 'a whole number', Number.isSafeInteger);
}

/** true/1/yes/on or false/0/no/off (any case), `fallback` when unset: `NAME "x" must be true or false` otherwise. */
export function envBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = envText(env, name);
  if (raw === undefined) return fallback;
  const word = raw.toLowerCase();
  if (TRUE_WORDS.includes(word)) return true;
  if (FALSE_WORDS.includes(word)) return false;
  throw new BadInputError(`${name} "${raw}" must be true or false`, name);
}

/** A pino log level (LOG_LEVEL by default), `fallback` when unset. */
export function envLogLevel(env: Env, fallback = 'info', name = 'LOG_LEVEL'): string {
  const level = envText(env, name)?.toLowerCase() ?? fallback;
  if (!LOG_LEVELS.includes(level)) throw new BadInputError(`${name} "${level}" must be one of ${LOG_LEVELS.join(', ')}`, name);
  return level;
}

function readNumber(env: Env, name: string, fallback: number, range: EnvRange, kind: string, accepts: (value: number) => boolean): number {
  const raw = envText(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  const { min = -Infinity, max = Infinity } = range;
  if (!accepts(value) || value < min || value > max) throw new BadInputError(`${name} "${raw}" must be ${kind}${rangeText(min, max)}`, name);
  return value;
}

function rangeText(min: number, max: number): string {
  if (Number.isFinite(min) && Number.isFinite(max)) return ` from ${min} to ${max}`;
  if (Number.isFinite(min)) return ` ≥ ${min}`;
  if (Number.isFinite(max)) return ` ≤ ${max}`;
  return '';
}
