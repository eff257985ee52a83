// The dashboard page in Debian's Chromium (driven by playwright-core), against the dashboard backend and a real
// inference service on loopback: what a user sees after the page loads.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../core/logger.ts';
import { createDashboardApp } from '../dashboard/src/app.ts';
import { startDashboardServer, type RunningDashboard } from '../dashboard/src/http-server.ts';
import { CHROMIUM, chromiumAvailable, launchChromium } from './support/chromium.ts';
import { makeCandles } from './support/server-fixtures.ts';
import { startInferenceUpstream, UPSTREAM_CANDLES, UPSTREAM_T0, type InferenceUpstream } from './support/inference-upstream.ts';

const SCREENSHOT = '/tmp/dashboard.png';
const available = chromiumAvailable;
const suiteName = available ? 'the dashboard page in Chromium' : `the dashboard page in Chromium (SKIPPED: ${CHROMIUM} is not installed; apt-get install chromium)`;

describe.skipIf(!available)(suiteName, () => {
  let upstream: InferenceUpstream;
  let dashboard: RunningDashboard;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  let downPort: number;
  const requests: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    upstream = await startInferenceUpstream();
    const released = createServer();
    downPort = await new Promise<number>((resolve) => released.listen(0, '127.0.0.1', () => resolve((released.address() as AddressInfo).port)));
    await new Promise((resolve) => released.close(resolve));
    const app = createDashboardApp({
      targets: [
        { name: 'btc-usdt', url: upstream.url, token: upstream.token },
        { name: 'eth-usdt', url: `http://127.0.0.1:${downPort}`, token: upstream.token },
      ],
      logger: createLogger({ name: 'dashboard', level: 'silent' }),
    });
    dashboard = await startDashboardServer({ app, host: '127.0.0.1', port: 0 });
    userDataDir = await mkdtemp(join(tmpdir(), 'dashboard-chromium-'));
    context = await launchChromium(userDataDir);
    page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (request) => requests.push(request.url()));
    page.on('response', (response) => {
      if (response.status() >= 400) pageErrors.push(`HTTP ${response.status()} ${response.url()}`);
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(dashboard.url);
    await page.locator('#chart canvas').first().waitFor({ timeout: 20_000 });
    await page.locator('#track-record tbody tr').nth(3).waitFor({ timeout: 20_000 });
    await page.locator('#forecast-table tbody tr').first().waitFor({ state: 'attached', timeout: 20_000 });
    await page.locator('#live-record tr').waitFor({ timeout: 20_000 });
    // The chart paints on the next animation frame.
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  afterAll(async () => {
    await context?.close();
    await dashboard?.close(1_000);
    await upstream?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  it('shows the pair, last close, model version and a live badge with the data age', async () => {
    const lastClose = makeCandles({ start: UPSTREAM_T0, count: UPSTREAM_CANDLES, startPrice: 64_000 }).at(-1)!.close;
    await expect.poll(() => page.locator('#pair').textContent()).toBe('BTC/USDT on binance · 1h candles');
    expect(await page.locator('#last-close').textContent()).toBe(lastClose.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
    expect(await page.locator('#model-version').textContent()).toBe('btc-usdt-run-7');
    expect(await page.locator('#staleness').textContent()).toBe('Live');
    expect(await page.locator('#age').textContent()).toBe('5 s ago');
    expect(await page.locator('#interval-label').textContent()).toBe('80 % interval (10th–90th percentile)');
    expect(await page.locator('#target').inputValue()).toBe('btc-usdt');
  });

  it('draws the chart on a canvas and lists the 12 forecast steps in a table', async () => {
    const canvasSize = await page.locator('#chart canvas').first().evaluate((element) => {
      const canvas = element as unknown as { width: number; height: number };
      return { width: canvas.width, height: canvas.height };
    });
    expect(canvasSize.width).toBeGreaterThan(600);
    expect(canvasSize.height).toBeGreaterThan(300);
    expect(await page.locator('#forecast-table tbody tr').count()).toBe(12);
    // Step 1 is the candle that closes one hour after the last one.
    expect(await page.locator('#forecast-table tbody tr').first().locator('td').first().textContent()).toBe(
      `${new Date(UPSTREAM_T0 + (UPSTREAM_CANDLES + 1) * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    );
  });

  it('shows the track record: the model against naive persistence, seasonal naive and drift', async () => {
    const rows = await page.locator('#track-record tbody:not(#live-record) tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent)));
    expect(rows).toEqual([
      ['Model (btc-usdt-run-7)', '0.971', '41.24', '78.4 %', '212.50', '53.2 %'],
      ['Naive persistence', '1.000', '42.46', 'n/a', 'n/a', '49.9 %'],
      ['Seasonal naive', '1.298', '55.10', 'n/a', 'n/a', '49.0 %'],
      ['Drift', '1.034', '43.90', 'n/a', 'n/a', '50.4 %'],
    ]);
    expect(await page.locator('#track-record thead th').allTextContents()).toEqual(['Forecaster', 'MASE', 'MAE', 'Coverage (nominal 80.0 %)', 'Winkler', 'Direction right']);
    expect(await page.locator('#verdict').textContent()).toBe('Verdict: the model beats naive persistence by 2.9% MAE over 12 steps');
    expect(await page.locator('#data-range').textContent()).toContain('Trained on 8,760 candles from 2024-03-01 to 2025-03-01');
    expect(await page.getByRole('heading', { name: 'Read this before trading' }).isVisible()).toBe(true);
  });

  it('shows the live row beside the backtest: figures since the training data ended, with sample count and window', async () => {
    const { overall } = upstream.serving.trackRecord.latest();
    // 72 candles after the cutoff could be forecast from; 60 of those forecasts have reached all 12 steps.
    expect(overall.samples).toBe(60);
    const cells = await page.locator('#live-record tr').first().locator('th, td').allTextContents();
    expect(cells).toEqual([
      'Live (btc-usdt-run-7)60 forecasts since the training data ended, 2025-03-05 01:00 UTC – 2025-03-08 00:00 UTC',
      overall.mase!.toFixed(3),
      overall.mae!.toFixed(2),
      `${(overall.coverage! * 100).toFixed(1)} %`,
      overall.winkler!.toFixed(2),
      `${(overall.directionalAccuracy! * 100).toFixed(1)} %`,
    ]);
    expect(await page.locator('#band-legend').isVisible()).toBe(true);
  });

  it('talks only to its own backend, never sees a token, and logs no script error', async () => {
    const origin = `http://127.0.0.1:${dashboard.port}`;
    expect(requests.length).toBeGreaterThan(5);
    expect(requests.filter((url) => !url.startsWith(origin))).toEqual([]);
    expect(await page.content()).not.toContain(upstream.token);
    expect(pageErrors).toEqual([]);
  });

  it('names a target that is down when the user picks it, and recovers on switching back', async () => {
    await page.locator('#target').selectOption('eth-usdt');
    await expect.poll(() => page.locator('#status').textContent()).toContain('target "eth-usdt" is unreachable');
    expect(await page.locator('#model-version').textContent()).toBe('—');
    expect(await page.locator('#track-record tbody tr').count()).toBe(0);
    expect(new URL(page.url()).searchParams.get('target')).toBe('eth-usdt');
    await page.locator('#target').selectOption('btc-usdt');
    await expect.poll(() => page.locator('#model-version').textContent()).toBe('btc-usdt-run-7');
    await expect.poll(() => page.locator('#status').textContent()).toBe('');
  });
});
