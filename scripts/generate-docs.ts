// Regenerates the CRD field reference in README.md from the TypeBox schemas in core/crd, so the
// user's reference can never drift from what the API server validates, and the `mur train` flag and
// environment tables from the trainer's own flag and variable tables. test/readme-crd-fields.test.ts
// and test/readme-trainer-settings.test.ts fail while the README is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderCrdFieldSection, renderTrainerSettingsSection, replaceBetweenMarkers, TRAINER_SETTINGS_MARKERS } from './readme-sections.ts';

const readme = fileURLToPath(new URL('../README.md', import.meta.url));
const withCrdFields = replaceBetweenMarkers(readFileSync(readme, 'utf8'), renderCrdFieldSection());
const updated = replaceBetweenMarkers(withCrdFields, renderTrainerSettingsSection(), TRAINER_SETTINGS_MARKERS);
writeFileSync(readme, updated);
process.stdout.write('README.md CRD field reference and trainer settings regenerated\n');
