/** Build one image of the table from the Dockerfile, unchanged, on the local base-image stand-ins. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildArgs, niced, storageArgs, type StorageLocation } from './buildah-args.ts';
import { globalArgDefaults, qualifiedImageName, stagesToKeep } from './dockerfile.ts';
import type { ImageEntry, StandInKind } from './image-table.ts';
import { runCommand } from './processes.ts';

/** The tag images:verify gives an image in its own storage. */
export function verifyTag(name: string): string {
  return `localhost/make-us-rich/${name}:verify`;
}

/** The tag of a build stage the images share (`deps`, `node-runtime`, …), which keeps its layers from being pruned. */
export function stageTag(stage: string): string {
  return `localhost/make-us-rich/stage-${stage}:verify`;
}

/**
 * The build args for an entry: each base-image ARG set to its Dockerfile default, fully qualified (that is the name
 * the stand-in gets tagged as, so nothing is resolved through registries), plus the entry's own args.
 */
export function baseImageBuildArgs(entry: ImageEntry, dockerfileText: string): Record<string, string> {
  const defaults = globalArgDefaults(dockerfileText);
  const args: Record<string, string> = {};
  for (const arg of Object.keys(entry.baseImageArgs)) {
    const name = defaults[arg];
    if (name === undefined) throw new Error(`${entry.dockerfile} declares no default for ARG ${arg} before its first FROM; update scripts/images/image-table.ts`);
    args[arg] = qualifiedImageName(name);
  }
  return { ...args, ...entry.buildArgs };
}

/** What building one image needs. */
export interface BuildContext {
  readonly storage: StorageLocation;
  readonly repoRoot: string;
  readonly standIns: Readonly<Record<StandInKind, string>>;
  readonly logFile: string;
  readonly log: (line: string) => void;
  /** Every tag this run has made; a stage tag already in it is not built again (that would only redo cache lookups). */
  readonly tagsMade: Set<string>;
}

/**
 * Tag the stand-ins with the base names, build each stage the image copies from under its own tag (so pruning keeps
 * it), unless an earlier image of the run did, then the image. Adds its tags to `tagsMade` and returns the image's.
 */
export async function buildImage(entry: ImageEntry, context: BuildContext): Promise<string> {
  const dockerfileText = readFileSync(join(context.repoRoot, entry.dockerfile), 'utf8');
  const args = baseImageBuildArgs(entry, dockerfileText);
  for (const [arg, kind] of Object.entries(entry.baseImageArgs)) {
    await runCommand(`tag the ${kind} stand-in as ${args[arg]}`, 'buildah', [...storageArgs(context.storage), 'tag', context.standIns[kind], args[arg]!]);
  }
  const build = async (tag: string, target: string) => {
    context.log(`${entry.name}: building stage ${target} of ${entry.dockerfile}`);
    const request = { dockerfile: join(context.repoRoot, entry.dockerfile), contextDir: context.repoRoot, tag, buildArgs: args, target };
    const [nice, niceArgs] = niced('buildah', buildArgs(context.storage, request));
    await runCommand(`buildah build ${tag}`, nice, niceArgs, { logFile: context.logFile });
  };
  for (const stage of stagesToKeep(dockerfileText, entry.target, args)) {
    const tag = stageTag(stage);
    if (context.tagsMade.has(tag)) continue;
    await build(tag, stage);
    context.tagsMade.add(tag);
  }
  const image = verifyTag(entry.name);
  await build(image, entry.target);
  context.tagsMade.add(image);
  return image;
}
