/** Debian's Chromium driven by playwright-core, as the browser tests start it on a machine with no display. */
import { existsSync } from 'node:fs';
import { chromium, type BrowserContext } from 'playwright-core';

/** Where Debian's `chromium` package installs the browser (playwright-core never downloads one). */
export const CHROMIUM = '/usr/bin/chromium';

/** True when the browser tests can run. */
export const chromiumAvailable = existsSync(CHROMIUM);

/**
 * A headless Chromium with a fresh profile in `userDataDir`. The background-networking flags keep it from
 * calling out to a closed network at every start.
 */
export function launchChromium(userDataDir: string): Promise<BrowserContext> {
  // A persistent context is how playwright takes a fresh --user-data-dir.
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
