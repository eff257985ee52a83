import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderTrainerSettingsSection, replaceBetweenMarkers, TRAINER_SETTINGS_MARKERS } from '../scripts/readme-sections.ts';

const README = new URL('../README.md', import.meta.url);

describe('README mur train settings', () => {
  it('match the trainer flag and environment tables (run npm run generate:docs after changing them)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(replaceBetweenMarkers(readme, renderTrainerSettingsSection(), TRAINER_SETTINGS_MARKERS)).toBe(readme);
  });

  it('sit in the mur train part of the README', () => {
    const readme = readFileSync(README, 'utf8');
    const section = readme.indexOf('## Training a model: `mur train`');
    const next = readme.indexOf('\n## ', section + 1);
    expect(readme.indexOf(TRAINER_SETTINGS_MARKERS.start)).toBeGreaterThan(section);
    expect(readme.indexOf(TRAINER_SETTINGS_MARKERS.end)).toBeLessThan(next);
  });
});
