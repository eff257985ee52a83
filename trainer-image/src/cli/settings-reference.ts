import type { TSchema } from 'typebox';
import { MarketSpecSchema, ModelSpecSchema } from '../../../core/spec.ts';
import { TRAINER_ENV_SETTINGS, type TrainerEnvSetting } from './environment.ts';
import { TRAIN_FLAGS, type TrainFlag } from './options.ts';

/** One row of the flag reference: what `--help` prints and the README's table shows. */
export interface FlagReferenceRow {
  /** `--lookback N` */
  readonly flag: string;
  /** The spec field the flag sets (`market.lookback`), if any. */
  readonly specField: string | undefined;
  /** The variable with the same meaning (the flag wins), if any. */
  readonly variable: string | undefined;
  readonly default: string;
  /** Help text with the schema's bounds appended. */
  readonly meaning: string;
}

const SPEC_SCHEMAS: Record<string, TSchema> = { market: MarketSpecSchema, model: ModelSpecSchema };

/** The flag rows, in TRAIN_FLAGS order; spec defaults and bounds come from the spec schema. */
export function flagReferenceRows(): FlagReferenceRow[] {
  return Object.entries(TRAIN_FLAGS as Record<string, TrainFlag>).map(([name, flag]) => {
    const field = flag.spec === undefined ? undefined : specFieldSchema(flag.spec);
    const variable = TRAINER_ENV_SETTINGS.find((setting) => setting.flag === name)?.names.join(', ');
    return {
      flag: `--${name}${flag.value === undefined ? '' : ` ${flag.value}`}`,
      specField: flag.spec,
      variable,
      default: flag.default ?? formatDefault(field?.default),
      meaning: `${flag.help}${field === undefined ? '' : bounds(field)}`,
    };
  });
}

/** The `--help` text: usage, every flag with its default, every environment variable, exit codes. */
export function trainHelp(): string {
  const pad = 30;
  const flagLines = flagReferenceRows().flatMap((row) => {
    const details = [row.default === '—' ? undefined : `default: ${row.default}`, row.variable && `env ${row.variable}`, row.specField && `spec ${row.specField}`];
    const second = details.filter(Boolean).join('; ');
    return [...labelled(row.flag, row.meaning, pad), ...(second === '' ? [] : [`${' '.repeat(pad)}${second}`])];
  });
  const envLines = TRAINER_ENV_SETTINGS.flatMap((setting) => {
    const [first, ...more] = setting.names;
    const also = more.length === 0 ? '' : ` (also ${more.join(', ')}, in that order)`;
    return [...labelled(first!, `${envMeaning(setting)}${also}`, pad), `${' '.repeat(pad)}default: ${stripCode(setting.default)}`];
  });
  return [
    'Usage: mur train [flags]',
    '',
    'Fetch candles, train a quantile LSTM, backtest it against naive baselines, export ONNX and write a',
    'versioned artifact (model.onnx, backtest.json, manifest.json). Give the market with --exchange and',
    '--symbol, or train from a CSV file with --data (add --exchange and --symbol for a model that can',
    'serve live forecasts).',
    '',
    'Flags:',
    ...flagLines,
    '',
    'Environment (a flag wins over its variable; where several names are listed the first one set wins):',
    ...envLines,
    '',
    'Exit codes: 0 success, 2 bad input (unknown symbol, too little history, malformed CSV, invalid settings), 1 other failure.',
  ].join('\n');
}

/** The README's trainer settings: a flag table and an environment table, in Markdown. */
export function renderTrainerSettingsMarkdown(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const code = (text: string | undefined) => (text === undefined ? '—' : text.split(', ').map((part) => `\`${part}\``).join(', '));
  const flags = flagReferenceRows().map(
    (row) => `| \`${cell(row.flag)}\` | ${row.specField === undefined ? '—' : `\`${row.specField}\``} | ${code(row.variable)} | ${cell(row.default)} | ${cell(row.meaning)} |`,
  );
  const env = TRAINER_ENV_SETTINGS.map(
    (setting) => `| ${setting.names.map((name) => `\`${name}\``).join(', ')} | ${cell(setting.default)} | ${cell(envMeaning(setting, true))} |`,
  );
  return [
    '| flag | spec field | variable | default | meaning |',
    '| --- | --- | --- | --- | --- |',
    ...flags,
    '',
    'Environment variables (every one the trainer reads; where a row lists several names, the first one set wins):',
    '',
    '| variable | default | meaning |',
    '| --- | --- | --- |',
    ...env,
  ].join('\n');
}

/** `  label   text`, with the text on its own line when the label is too long for the column. */
function labelled(label: string, text: string, pad: number): string[] {
  const head = `  ${label}`;
  return head.length < pad ? [`${head.padEnd(pad)}${text}`] : [head, `${' '.repeat(pad)}${text}`];
}

function envMeaning(setting: TrainerEnvSetting, markdown = false): string {
  if (setting.flag === undefined) return setting.meaning;
  return `${setting.meaning} (${markdown ? `\`--${setting.flag}\`` : `--${setting.flag}`} wins)`;
}

function specFieldSchema(path: string): Record<string, unknown> | undefined {
  const [group, name] = path.split('.') as [string, string];
  const properties = (SPEC_SCHEMAS[group] as { properties?: Record<string, Record<string, unknown>> } | undefined)?.properties;
  const field = properties?.[name];
  if (field === undefined) throw new Error(`TRAIN_FLAGS names spec field ${path}, which the spec schema does not have`);
  return field;
}

function formatDefault(value: unknown): string {
  if (value === undefined) return '—';
  return Array.isArray(value) ? value.join(',') : String(value);
}

function bounds(field: Record<string, unknown>): string {
  const low = field.exclusiveMinimum !== undefined ? `>${String(field.exclusiveMinimum)}` : field.minimum;
  const high = field.exclusiveMaximum !== undefined ? `<${String(field.exclusiveMaximum)}` : field.maximum;
  return low === undefined || high === undefined ? '' : ` (${String(low)}…${String(high)})`;
}

function stripCode(text: string): string {
  return text.replace(/`/g, '');
}
