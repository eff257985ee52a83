import { describe, expect, it } from 'vitest';
import { BACKEND_NAMES } from '../model/backend.ts';
import { TRAINER_ENV, TRAINER_ENV_SETTINGS } from './environment.ts';
import { MAX_LOOKBACK, parseTrainFlags, TRAIN_FLAGS } from './options.ts';
import { flagReferenceRows, renderTrainerSettingsMarkdown, trainHelp } from './settings-reference.ts';
import { buildTrainerConfig } from './trainer-config.ts';

const NOW = new Date('2026-01-02T03:04:05.678Z');
const config = (argv: string[]) => buildTrainerConfig(parseTrainFlags(argv), {}, NOW, '/home/me');
const rowOf = (flag: string) => flagReferenceRows().find((row) => row.flag.split(' ')[0] === flag)!;

describe('mur train settings reference', () => {
  it('lists every flag and every variable in --help and in the README table', () => {
    const help = trainHelp();
    const markdown = renderTrainerSettingsMarkdown();
    for (const name of Object.keys(TRAIN_FLAGS)) {
      expect(help).toContain(`--${name}`);
      expect(markdown).toContain(`\`--${name}`);
    }
    for (const name of TRAINER_ENV_SETTINGS.flatMap((setting) => setting.names)) {
      expect(help).toContain(name);
      expect(markdown).toContain(`\`${name}\``);
    }
    for (const name of ['S3_SESSION_TOKEN', 'S3_FORCE_PATH_STYLE', 'LOG_LEVEL', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL', 'AWS_CA_BUNDLE']) expect(help).toContain(name);
  });

  it('offers every backend the trainer accepts', () => {
    for (const name of BACKEND_NAMES) expect(rowOf('--backend').meaning).toContain(name);
    expect(config(['--exchange', 'binance', '--symbol', 'BTC/USDT', '--backend', 'tensorflow-gpu']).backend).toBe('tensorflow-gpu');
  });

  it('states the defaults a run really uses', () => {
    const { spec } = config(['--exchange', 'binance', '--symbol', 'BTC/USDT']);
    const fields: Record<string, unknown> = { ...spec.market, ...spec.model };
    const fromSchema = flagReferenceRows().filter((row) => row.specField !== undefined && !('default' in TRAIN_FLAGS[row.flag.split(' ')[0]!.slice(2) as keyof typeof TRAIN_FLAGS]));
    expect(fromSchema.length).toBeGreaterThan(10);
    for (const row of fromSchema) {
      const actual = fields[row.specField!.split('.')[1]!];
      expect(row.default, row.flag).toBe(Array.isArray(actual) ? actual.join(',') : String(actual));
    }
    expect(rowOf('--lookback').default.startsWith(`${spec.market.lookback};`)).toBe(true);
    expect(config(['--data', 'ETHUSDT-1h.csv']).spec.market.lookback).toBe(MAX_LOOKBACK);
    expect(rowOf('--lookback').default).toContain(`whole file (its last ${MAX_LOOKBACK} candles at most)`);
    expect(rowOf('--seed').default).toBe('random');
    expect(rowOf('--duplicates').default).toBe(config(['--data', 'x.csv']).duplicates);
  });

  it('states the defaults of the environment the config really uses', () => {
    const defaults = config(['--exchange', 'binance', '--symbol', 'BTC/USDT']);
    expect(TRAINER_ENV.storageAttempts.default).toBe(String(defaults.storageAttempts));
    expect(TRAINER_ENV.logLevel.default).toBe(defaults.logLevel);
  });

  it('links each flag to the variable with the same meaning', () => {
    expect(rowOf('--artifact').variable).toBe('MUR_ARTIFACT_URI');
    expect(rowOf('--termination-log').variable).toBe('MUR_TERMINATION_MESSAGE_PATH');
    expect(rowOf('--version').variable).toBe('MUR_MODEL_VERSION');
  });
});
