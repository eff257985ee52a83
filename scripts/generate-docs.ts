// Regenerates the CRD field reference in README.md from the TypeBox schemas in core/crd, so the
// user's reference can never drift from what the API server validates. test/readme-crd-fields.test.ts
// fails while the README is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderCrdFieldSection, replaceBetweenMarkers } from './readme-sections.ts';

const readme = fileURLToPath(new URL('../README.md', import.meta.url));
const updated = replaceBetweenMarkers(readFileSync(readme, 'utf8'), renderCrdFieldSection());
writeFileSync(readme, updated);
process.stdout.write('README.md CRD field reference regenerated\n');
