// The glossary's texts as the dashboard page shows them: Debian's Chromium (playwright-core) loads the page from
// the dashboard backend and every element that asks for a glossary entry carries that entry's text as its tooltip.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../core/logger.ts';
import { createDashboardApp } from '../dashboard/src/app.ts';
import { startDashboardServer, type RunningDashboard } from '../dashboard/src/http-server.ts';
import { CHROMIUM, chromiumAvailable, launchChromium } from './support/chromium.ts';

/** The glossary entries, from the browser module itself (plain JavaScript, so typed here). */
const glossaryModule = '../dashboard/public/glossary.js';
const { GLOSSARY } = (await import(glossaryModule)) as { GLOSSARY: readonly { id: string; text: string }[] };

const suiteName = chromiumAvailable ? 'glossary tooltips on the dashboard page' : `glossary tooltips on the dashboard page (SKIPPED: ${CHROMIUM} is not installed)`;

describe.skipIf(!chromiumAvailable)(suiteName, () => {
  let dashboard: RunningDashboard;
  let context: BrowserContext;
  let userDataDir: string;

  beforeAll(async () => {
    dashboard = await startDashboardServer({ app: createDashboardApp({ targets: [], logger: createLogger({ name: 'dashboard', level: 'silent' }) }), host: '127.0.0.1', port: 0 });
    userDataDir = await mkdtemp(join(tmpdir(), 'glossary-chromium-'));
    context = await launchChromium(userDataDir);
  });

  afterAll(async () => {
    await context?.close();
    await dashboard?.close(1_000);
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  it('sets each track-record header\'s tooltip to its glossary text', async () => {
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(dashboard.url);
    await page.locator('#track-record thead [data-glossary="mase"][title]').waitFor({ state: 'attached', timeout: 20_000 });
    const tooltips = await page.$$eval('[data-glossary]', (elements) => elements.map((e) => ({ id: e.getAttribute('data-glossary'), title: e.getAttribute('title') })));
    expect(tooltips.map((t) => t.id)).toEqual(expect.arrayContaining(['mase', 'coverage', 'winkler', 'directional-accuracy', 'no-evidence-of-skill']));
    for (const { id, title } of tooltips) expect(title, `tooltip of ${id}`).toBe(GLOSSARY.find((e) => e.id === id)?.text);
    expect(errors).toEqual([]);
  });
});
