/**
 * One glossary, two places: README's "Glossary" section and the dashboard's tooltips both come from
 * dashboard/public/glossary.js. README must repeat its entries word for word, and every tooltip the page asks
 * for (`data-glossary`) must name an entry.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The browser module's shape (it is plain JavaScript served as is, so it has no types of its own). */
interface GlossaryModule {
  readonly GLOSSARY: readonly { readonly id: string; readonly term: string; readonly text: string }[];
  applyGlossary(root: { querySelectorAll(selector: string): Iterable<{ title: string; getAttribute(name: string): string | null }> }): void;
}
const glossaryModule = '../dashboard/public/glossary.js';
const { GLOSSARY, applyGlossary } = (await import(glossaryModule)) as GlossaryModule;

const root = join(import.meta.dirname, '..');

/** `- **term**: text` lines of README's Glossary section, in order. */
function readmeGlossary(): { term: string; text: string }[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Glossary\n');
  if (start < 0) throw new Error('README has no "## Glossary" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^- \*\*(.+?)\*\*: (.+)$/gm)].map((m) => ({ term: m[1]!, text: m[2]! }));
}

describe('the glossary', () => {
  it('README lists exactly the entries of dashboard/public/glossary.js, word for word and in order', () => {
    expect(readmeGlossary()).toEqual(GLOSSARY.map(({ term, text }) => ({ term, text })));
  });

  it('defines the terms the docs and the dashboard use', () => {
    const terms = GLOSSARY.map((e) => e.term);
    for (const term of ['MASE', 'SKILL', 'Coverage', 'Winkler score', 'Directional accuracy', 'No evidence of skill']) expect(terms).toContain(term);
    expect(new Set(GLOSSARY.map((e) => e.id)).size).toBe(GLOSSARY.length);
  });

  it('gives every tooltip the dashboard page asks for, and the track-record columns ask for theirs', () => {
    const page = readFileSync(join(root, 'dashboard/public/index.html'), 'utf8');
    const asked = [...page.matchAll(/data-glossary="([^"]+)"/g)].map((m) => m[1]!);
    expect(asked).toEqual(expect.arrayContaining(['mase', 'coverage', 'winkler', 'directional-accuracy']));
    for (const id of asked) expect(GLOSSARY.map((e) => e.id), `data-glossary="${id}"`).toContain(id);
    // One source: no metric text is written into the page itself any more.
    expect(page).not.toMatch(/<abbr title=/);
  });

  it('applyGlossary sets each element\'s title from its entry', () => {
    const element = (id: string) => ({ title: '', getAttribute: (name: string) => (name === 'data-glossary' ? id : null) });
    const mase = element('mase');
    const unknown = element('nope');
    applyGlossary({ querySelectorAll: (selector: string) => (selector === '[data-glossary]' ? [mase, unknown] : []) });
    expect(mase.title).toBe(GLOSSARY.find((e) => e.id === 'mase')!.text);
    expect(unknown.title).toBe('');
  });
});
