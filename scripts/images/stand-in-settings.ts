/** What the local base-image stand-ins are made of, and the cache key that changes when any of it does. */
import { createHash } from 'node:crypto';

/** The inputs of a stand-in; a change to any of them means new stand-ins and a cold build. */
export interface StandInSettings {
  readonly suite: string;
  readonly mirror: string;
  readonly nodeVersion: string;
  readonly npmVersion: string;
  /** The machine's CA bundle, baked in so npm reaches the registry through a TLS-inspecting proxy too. */
  readonly caBundle: string;
  readonly npmRegistry: string;
}

/** A tag-safe key: readable versions first, then a digest of everything else. */
export function standInKey(settings: StandInSettings): string {
  const digest = createHash('sha256').update(JSON.stringify([settings.mirror, settings.npmRegistry, settings.caBundle])).digest('hex').slice(0, 12);
  return `${settings.suite}-node${settings.nodeVersion}-npm${settings.npmVersion}-${digest}`;
}

/** Repository of the stand-in images in the verify storage; the tag is the key. */
export const STAND_IN_REPOSITORY = 'localhost/make-us-rich-stand-in';

/** Where the CA bundle sits inside the stand-ins (outside the paths Debian's ca-certificates package rewrites). */
export const STAND_IN_CA_PATH = '/usr/local/etc/build-ca-bundle.pem';

/** The global npmrc of a Node installed under /usr/local: the registry the machine's npm uses. */
export function standInNpmrc(settings: StandInSettings): string {
  return `registry=${settings.npmRegistry}\n`;
}

/**
 * The Debian mirror that serves `suite`, read from APT's sources (deb822 `.sources` or one-line `.list` text);
 * undefined when none lists it.
 */
export function mirrorForSuite(sourcesText: string, suite: string): string | undefined {
  for (const paragraph of sourcesText.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of paragraph.split('\n')) {
      const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line.trim());
      if (match) fields.set(match[1]!.toLowerCase(), match[2]!);
    }
    const uri = fields.get('uris')?.split(/\s+/)[0];
    const enabled = fields.get('enabled')?.toLowerCase() !== 'no';
    const types = fields.get('types')?.split(/\s+/) ?? [];
    if (uri && enabled && types.includes('deb') && fields.get('suites')?.split(/\s+/).includes(suite)) return uri;
  }
  for (const line of sourcesText.split('\n')) {
    const match = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s/.exec(line.trim());
    if (match && match[2] === suite) return match[1];
  }
  return undefined;
}
