/**
 * Repository paths a Markdown page cites in inline code, and which of them the repository lacks. Shared by
 * the tests that hold docs/architecture.md and the workspace READMEs to the files they point at.
 */
import { existsSync, globSync } from 'node:fs';
import { join } from 'node:path';

/** Extensions of the files a page may cite with a folder in front (`core/manifest.ts`, `charts/x/values.yaml`). */
const FILE_EXTENSION = /\.(?:ts|js|mjs|json|md|ya?ml|tpl|go|mod|csv|html|css|svg)$/;

/**
 * One word of inline code that has the shape of a relative path: letters, digits, `_ . - *` between slashes,
 * no scheme, no leading `/`, `~`, `.`, `@`, `$` or `<`. Slashes alone do not make a path: Kubernetes API
 * versions and resource names (`autoscaling/v2`, `nvidia.com/gpu`) have them too.
 */
const PATH_SHAPE = /^[A-Za-z0-9_][\w.*-]*(?:\/[\w.*-]+)*\/?$/;

/** True for a word a reader takes for a repository path: a folder (`src/`), a file under a folder, a Dockerfile, or a `.ts` file. */
export function looksLikeRepositoryPath(word: string): boolean {
  if (!PATH_SHAPE.test(word)) return false;
  if (word.endsWith('.ts')) return true;
  if (!word.includes('/')) return false;
  return word.endsWith('/') || FILE_EXTENSION.test(word) || /(?:^|\/)Dockerfile$/.test(word);
}

/** The page without its fenced code blocks: commands in fences are examples, not citations or headings. */
export function withoutFencedBlocks(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** The contents of every inline code span outside fenced code blocks; a span may wrap onto the next line, never past a paragraph. */
export function inlineCode(markdown: string): string[] {
  return [...withoutFencedBlocks(markdown).matchAll(/`((?:[^`\n]|\n(?![ \t]*\n))+)`/g)].map((m) => m[1]!);
}

/** The distinct repository paths cited in inline code, each word of a span on its own (`npm exec -- node bin/mur.ts` cites `bin/mur.ts`). */
export function citedRepositoryPaths(markdown: string): string[] {
  const words = inlineCode(markdown).flatMap((span) => span.split(/\s+/));
  return [...new Set(words.filter(looksLikeRepositoryPath))];
}

/** Whether `path` (a `*` glob matches at least one file) exists under any of `bases`, each relative to `root`. */
export function pathExists(root: string, bases: readonly string[], path: string): boolean {
  return bases.some((base) => {
    const dir = join(root, base);
    return path.includes('*') ? globSync(path, { cwd: dir }).length > 0 : existsSync(join(dir, path));
  });
}

/** The cited paths that exist under none of `bases`. */
export function missingPaths(root: string, bases: readonly string[], paths: readonly string[]): string[] {
  return paths.filter((path) => !pathExists(root, bases, path));
}

/** A relative link of a page: the file it points to (relative to the page's folder) and its `#anchor`, if any. */
export interface RelativeLink {
  readonly file: string;
  readonly anchor: string | undefined;
}

/** The page's links to other files of the repository (`[text](../README.md#section)`); web links are left out. */
export function relativeLinks(markdown: string): RelativeLink[] {
  return [...markdown.matchAll(/\]\((?![a-z][a-z0-9+.-]*:|#)([^)#\s]+)(?:#([^)\s]*))?\)/gi)].map((m) => ({ file: m[1]!, anchor: m[2] }));
}

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens. */
export function headingAnchors(markdown: string): Set<string> {
  const headings = [...withoutFencedBlocks(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)].map((m) => m[1]!);
  return new Set(headings.map((heading) => heading.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-')));
}
