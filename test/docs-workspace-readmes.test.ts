/**
 * Each workspace's README against the repository: it has a "Where things are" section whose every row names a file,
 * every repository path it cites in inline code exists, and every link to another file of the repository (and the
 * heading it points at) exists. A README that names a moved or deleted file fails here, naming the path.
 *
 * Path convention: a README writes its own workspace's files relative to the workspace folder (`src/config.ts`,
 * `cluster/binaries.ts`) and everything else relative to the repository root (`core/env.ts`, `config/rbac/`).
 * A cited path is looked up in the workspace folder first, then at the repository root. Folders end in `/`; a path
 * with `*` must match at least one file. Which words count as paths: test/support/markdown-paths.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { citedRepositoryPaths, headingAnchors, missingPaths, relativeLinks, withoutFencedBlocks } from './support/markdown-paths.ts';

const root = join(import.meta.dirname, '..');
const HEADING = 'Where things are';

/** Every workspace of the root package.json: each one gets a README a new contributor reads first. */
const WORKSPACES: readonly string[] = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;

/** The text under the "Where things are" heading, up to the next heading of the same or a higher level; undefined without one. */
function whereThingsAre(markdown: string): string | undefined {
  const lines = withoutFencedBlocks(markdown).split('\n');
  const start = lines.findIndex((line) => new RegExp(`^#{2,3} ${HEADING}\\s*$`).test(line));
  if (start < 0) return undefined;
  const level = /^#+/.exec(lines[start]!)![0].length;
  const end = lines.findIndex((line, i) => i > start && /^#+ /.test(line) && /^#+/.exec(line)![0].length <= level);
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** Body rows of the Markdown tables in `text` (header rows, those followed by a `| --- |` line, left out). */
function tableBodyRows(text: string): string[] {
  const lines = text.split('\n');
  const separator = (line: string | undefined) => line !== undefined && /^\|(?:\s*:?-+:?\s*\|)+\s*$/.test(line);
  return lines.filter((line, i) => line.startsWith('|') && !separator(line) && !separator(lines[i + 1]));
}

describe.each(WORKSPACES)('%s/README.md', (workspace) => {
  const file = join(root, workspace, 'README.md');
  const readme = existsSync(file) ? readFileSync(file, 'utf8') : '';

  it('exists', () => {
    expect(existsSync(file), `${workspace}/README.md`).toBe(true);
  });

  it(`maps behaviours to files under a "${HEADING}" heading`, () => {
    const section = whereThingsAre(readme);
    expect(section, `${workspace}/README.md has no "## ${HEADING}" heading`).toBeDefined();
    const rows = tableBodyRows(section!);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((row) => citedRepositoryPaths(row).length === 0), 'rows naming no file').toEqual([]);
  });

  it('cites only repository paths that exist', () => {
    const cited = citedRepositoryPaths(readme);
    expect(cited.length).toBeGreaterThan(5);
    expect(missingPaths(root, [workspace, '.'], cited), `paths in ${workspace}/README.md found neither in ${workspace}/ nor at the root`).toEqual([]);
  });

  it('links only to files and headings that exist', () => {
    const broken = relativeLinks(readme).filter(({ file: target, anchor }) => {
      const path = join(root, workspace, target);
      if (!existsSync(path)) return true;
      return anchor !== undefined && target.endsWith('.md') && !headingAnchors(readFileSync(path, 'utf8')).has(anchor);
    });
    expect(broken.map(({ file: target, anchor }) => (anchor ? `${target}#${anchor}` : target))).toEqual([]);
  });
});

describe('the README checks', () => {
  const page = [
    '## Where things are',
    '',
    '| behaviour | file |',
    '| --- | --- |',
    '| parsing flags | `src/cli/options.ts` |',
    '| a row naming nothing | the options |',
    '',
    '## Next',
    '| outside | `src/gone.ts` |',
  ].join('\n');

  it('reads the rows of the section only, and sees a row that names no file', () => {
    const rows = tableBodyRows(whereThingsAre(page)!);
    expect(rows).toEqual(['| parsing flags | `src/cli/options.ts` |', '| a row naming nothing | the options |']);
    expect(rows.filter((row) => citedRepositoryPaths(row).length === 0)).toEqual(['| a row naming nothing | the options |']);
  });

  it('finds a workspace file, a root file, and reports one in neither', () => {
    expect(missingPaths(root, ['trainer-image', '.'], ['src/cli/options.ts', 'core/env.ts', 'src/gone.ts'])).toEqual(['src/gone.ts']);
  });

  it('sees a link to a heading the page lacks', () => {
    expect(headingAnchors(readFileSync(join(root, 'README.md'), 'utf8')).has('trainer-settings')).toBe(true);
    expect(headingAnchors('## Trainer settings\n').has('no-such-section')).toBe(false);
  });
});
