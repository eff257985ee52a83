import { hash, timingSafeEqual } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Log sink of the token directory (a pino logger fits). Token values never reach it, only names. */
export interface TokenDirectoryLog {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
}

/** Options of {@link openTokenDirectory}. */
export interface TokenDirectoryOptions {
  /** The mounted Secret: one file per token, the file name is the token's name, the content the token. */
  readonly dir: string;
  /** Re-read period; a filesystem watch reacts sooner, this is the safety net. Default 10 s; 0 disables. */
  readonly reloadIntervalMs?: number;
  readonly log: TokenDirectoryLog;
}

/** API tokens read from a directory, re-read when the Secret is rotated. */
export interface TokenDirectory {
  /**
   * Name of the token equal to `presented`. A token not seen since the last reload is hashed and compared
   * in constant time against every known token; one that matched before is found in a map of matches.
   */
  match(presented: string): string | undefined;
  /** Names of the tokens currently accepted. */
  names(): string[];
  /** Re-read the directory now; resolves once the new set is in effect. */
  reload(): Promise<void>;
  /** Stop watching the directory. */
  close(): void;
}

interface KnownToken {
  readonly name: string;
  readonly digest: Buffer;
  readonly short: boolean;
}

/** Tokens shorter than this are accepted but reported in the log (by name): they are guessable. */
const SHORT_TOKEN_LENGTH = 16;

/**
 * Read the token Secret at `dir` and keep it current. Kubernetes rotates a Secret volume by swapping a
 * `..data` symlink, which the directory watch sees; the periodic re-read covers filesystems without
 * inotify. A directory that cannot be read leaves the previous tokens in effect.
 */
export async function openTokenDirectory(options: TokenDirectoryOptions): Promise<TokenDirectory> {
  const { dir, log } = options;
  let tokens: readonly KnownToken[] = [];
  // Tokens that matched since the last reload, by value. Only exact matches are ever stored, so the map
  // holds at most one entry per known token and a lookup tells an attacker nothing beyond what the
  // response already does: a presented string either is a valid token or is not in the map. Looking up
  // a wrong token costs a string hash over the attacker's own input and, only on a hash collision with a
  // stored token, a comparison; V8 seeds its string hashes per process, so such collisions cannot be
  // aimed at. Every miss still goes through the constant-time comparison below.
  let matched = new Map<string, string>();
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  let loaded = false;
  let closed = false;

  async function readTokens(): Promise<void> {
    try {
      const next = await readTokenFiles(dir);
      const changed = !loaded || describe(next) !== describe(tokens);
      tokens = next;
      // A rotated or revoked token must stop working at once, so past matches are forgotten.
      if (changed) matched = new Map();
      loaded = true;
      if (changed) {
        const names = next.map((token) => token.name);
        if (names.length === 0) log.warn({ dir }, 'no API tokens found: every authenticated route answers 401');
        else log.info({ dir, tokens: names }, 'API tokens loaded');
        const short = next.filter((token) => token.short).map((token) => token.name);
        if (short.length > 0) log.warn({ dir, tokens: short, minimumLength: SHORT_TOKEN_LENGTH }, 'some API tokens are short enough to be guessed');
      }
    } catch (error) {
      log.warn({ dir, error: (error as Error).message }, 'could not read the API token directory; keeping the previous tokens');
    }
  }

  function startRead(): Promise<void> {
    running = readTokens().finally(() => {
      running = undefined;
    });
    return running;
  }

  function reload(): Promise<void> {
    // A read already under way may have listed the folder before the change that prompted this call,
    // so one more read is queued behind it; bursts of watch events (a rotation touches several
    // entries) all share that queued read.
    if (queued) return queued;
    if (!running) return startRead();
    queued = running.then(() => {
      queued = undefined;
      return startRead();
    });
    return queued;
  }

  await readTokens();
  const watcher = watchDirectory(dir, () => void reload());
  const interval = options.reloadIntervalMs ?? 10_000;
  const timer = interval > 0 ? setInterval(() => void reload(), interval) : undefined;
  timer?.unref();

  return {
    match(presented) {
      const known = matched.get(presented);
      if (known !== undefined) return known;
      const digest = hash('sha256', presented, 'buffer');
      let found: string | undefined;
      // No early exit: every request costs the same whichever token (if any) it matches.
      for (const token of tokens) {
        if (timingSafeEqual(digest, token.digest) && found === undefined) found = token.name;
      }
      if (found !== undefined) matched.set(presented, found);
      return found;
    },
    names: () => tokens.map((token) => token.name),
    reload,
    close() {
      if (closed) return;
      closed = true;
      watcher?.close();
      if (timer) clearInterval(timer);
    },
  };
}

/** Every regular token file in `dir`; Kubernetes' hidden `..data` entries and empty files are skipped. */
async function readTokenFiles(dir: string): Promise<KnownToken[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const tokens: KnownToken[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.') || entry.isDirectory()) continue;
    let content: string;
    try {
      content = await readFile(join(dir, entry.name), 'utf8');
    } catch {
      continue; // removed between readdir and read, or a dangling symlink mid-rotation
    }
    // Secrets made with `echo` end in a newline that is not part of the token.
    const token = content.trim();
    if (token === '') continue;
    tokens.push({ name: entry.name, digest: hash('sha256', token, 'buffer'), short: token.length < SHORT_TOKEN_LENGTH });
  }
  return tokens;
}

function describe(tokens: readonly KnownToken[]): string {
  return tokens.map((token) => `${token.name}:${token.digest.toString('hex')}`).join(',');
}

function watchDirectory(dir: string, onChange: () => void): FSWatcher | undefined {
  try {
    const watcher = watch(dir, { persistent: false }, onChange);
    watcher.on('error', () => watcher.close());
    return watcher;
  } catch {
    return undefined; // no such directory yet, or no inotify: the periodic re-read still works
  }
}
