import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.ts';
import type { ForecastModelObject } from '../kube/objects.ts';
import { forecastModelFixture } from '../test-support/fixtures.ts';
import { createLiveRecordScraper, metricsUrlFromStatus, type LiveRecordScraperOptions } from './live-record-scraper.ts';

const RETRAIN_WHEN = { coverageBelow: 0.75, minSamples: 100, cooldown: '24h' };
const LIVE = ['# TYPE mur_live_coverage gauge', 'mur_live_coverage{step="all"} 0.61', 'mur_live_scored_samples{step="all"} 240', 'mur_model_info{version="btc-1"} 1', ''].join('\n');

/** Inference services on loopback: `/<name>/metrics` answers as the ForecastModel of that name is set up to. */
const answers: Record<string, (respond: (status: number, body: string) => void) => void> = {
  healthy: (respond) => respond(200, LIVE),
  unscored: (respond) => respond(200, 'mur_model_info{version="btc-1"} 1\n'),
  broken: (respond) => respond(500, 'internal error'),
  garbled: (respond) => respond(200, 'mur_live_coverage{step="all" 0.5\n'),
  // Never answers: only the scraper's timeout ends the request.
  silent: () => undefined,
};

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const name = request.url!.split('/')[1]!;
    answers[name]?.((status, body) => {
      response.writeHead(status, { 'Content-Type': 'text/plain; version=0.0.4' });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A ForecastModel named `name` whose status.endpoint points at the loopback service of that name. */
function model(name: string, spec: Record<string, unknown> = { training: { retrainWhen: RETRAIN_WHEN } }, endpoint: string | undefined = `${base}/${name}`): ForecastModelObject {
  return forecastModelFixture(spec, endpoint ? { endpoint } : {}, { name });
}

function scraperOver(models: ForecastModelObject[], extra: Partial<LiveRecordScraperOptions> = {}) {
  const scraped: string[] = [];
  const outcomes: string[] = [];
  const scraper = createLiveRecordScraper({
    forecastModels: () => models,
    metricsUrl: metricsUrlFromStatus,
    periodMs: 60_000,
    // Generous: a loaded machine answers loopback slowly; the test of the timeout sets its own.
    timeoutMs: 10_000,
    concurrency: 2,
    scraped: (key) => scraped.push(key),
    observe: (fm, result) => outcomes.push(`${fm.metadata.name} ${result}`),
    log: createLogger({ name: 'test', level: 'silent' }),
    ...extra,
  });
  return { scraper, scraped, outcomes };
}

describe('createLiveRecordScraper', () => {
  it('scrapes only ForecastModels that retrain on drift and have an endpoint, and keeps what each reports', async () => {
    const models = [model('healthy'), model('unscored'), model('plain', {}), model('no-endpoint', undefined, ''), model('resting', { suspend: true, training: { retrainWhen: RETRAIN_WHEN } })];
    const { scraper, scraped, outcomes } = scraperOver(models);
    await scraper.scrapeAll();
    expect(scraper.record('markets/healthy')).toEqual({ modelVersion: 'btc-1', samples: 240, coverage: 0.61 });
    expect(scraper.record('markets/unscored')).toEqual({ modelVersion: 'btc-1', samples: 0 });
    expect(scraper.record('markets/plain')).toBeUndefined();
    expect(scraped.sort()).toEqual(['markets/healthy', 'markets/unscored']);
    expect(outcomes.sort()).toEqual(['healthy success', 'unscored success']);
  });

  it('reports a failed scrape (an error status, a garbled answer) and carries on with the others', async () => {
    const models = [model('healthy'), model('broken'), model('garbled')];
    const warnings: string[] = [];
    const log = createLogger({ name: 'test', level: 'warn', destination: { write: (line: string) => void warnings.push(line) } });
    const { scraper, outcomes, scraped } = scraperOver(models, { log });
    await scraper.scrapeAll();
    expect(outcomes.sort()).toEqual(['broken error', 'garbled error', 'healthy success']);
    expect(scraped).toHaveLength(3);
    const failures = warnings.map((line) => JSON.parse(line) as { name: string; err: string; msg: string });
    expect(failures.map((f) => f.name).sort()).toEqual(['broken', 'garbled']);
    expect(failures.every((f) => f.msg === 'scraping the live record from the inference service failed')).toBe(true);
    expect(failures.find((f) => f.name === 'broken')!.err).toContain('answered 500');
    expect(failures.find((f) => f.name === 'garbled')!.err).toContain('not Prometheus text format');
  });

  it('gives up on a service that does not answer within the timeout', async () => {
    const warnings: string[] = [];
    const log = createLogger({ name: 'test', level: 'warn', destination: { write: (line: string) => void warnings.push(line) } });
    const { scraper, outcomes } = scraperOver([model('silent')], { log, timeoutMs: 200 });
    await scraper.scrapeAll();
    expect(outcomes).toEqual(['silent error']);
    expect(scraper.record('markets/silent')).toBeUndefined();
    expect((JSON.parse(warnings[0]!) as { err: string }).err).toContain('no answer within 200 ms');
  });

  it('forgets the record of a service that answered before and fails now', async () => {
    answers.flaky = answers.healthy!;
    const { scraper } = scraperOver([model('flaky')]);
    await scraper.scrapeAll();
    expect(scraper.record('markets/flaky')).toMatchObject({ coverage: 0.61 });
    answers.flaky = answers.broken!;
    await scraper.scrapeAll();
    expect(scraper.record('markets/flaky')).toBeUndefined();
  });

  it('drops the record of a ForecastModel that no longer retrains on drift', async () => {
    const models = [model('healthy')];
    const { scraper } = scraperOver(models);
    await scraper.scrapeAll();
    expect(scraper.record('markets/healthy')).toBeDefined();
    models[0] = model('healthy', {});
    await scraper.scrapeAll();
    expect(scraper.record('markets/healthy')).toBeUndefined();
  });

  it('scrapes on start, then again after each period, until stopped', async () => {
    const { scraper, outcomes } = scraperOver([model('healthy')], { periodMs: 20 });
    scraper.start();
    await expect.poll(() => outcomes.length).toBeGreaterThanOrEqual(3);
    await scraper.stop();
    const seen = outcomes.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(outcomes.length).toBe(seen);
  });
});
