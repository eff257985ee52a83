import { Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { readLiveRecord } from './live-record.ts';

/** A /metrics answer as prom-client (the inference service's library) writes it. */
async function exposition(figures: { samples?: number; coverage?: number; mase?: number; winkler?: number; nominal?: number; versions?: string[] }): Promise<string> {
  const registry = new Registry();
  const registers = [registry];
  const perStep = (name: string, value: number | undefined) => {
    if (value === undefined) return;
    const gauge = new Gauge({ name, help: name, labelNames: ['step'], registers });
    gauge.set({ step: '1' }, value / 2);
    gauge.set({ step: 'all' }, value);
  };
  perStep('mur_live_scored_samples', figures.samples);
  perStep('mur_live_coverage', figures.coverage);
  perStep('mur_live_mase', figures.mase);
  perStep('mur_live_winkler', figures.winkler);
  if (figures.nominal !== undefined) new Gauge({ name: 'mur_live_nominal_coverage', help: 'nominal', registers }).set(figures.nominal);
  const info = new Gauge({ name: 'mur_model_info', help: 'model', labelNames: ['version', 'symbol'], registers });
  for (const version of figures.versions ?? []) info.set({ version, symbol: 'BTC/USDT' }, 1);
  new Gauge({ name: 'mur_http_requests', help: 'unrelated', labelNames: ['route'], registers }).set({ route: '/v1/forecast' }, 3);
  return registry.metrics();
}

describe('readLiveRecord', () => {
  it('reads the overall (step="all") figures, the nominal coverage and the loaded model version', async () => {
    const text = await exposition({ samples: 240, coverage: 0.61, mase: 1.4, winkler: 310.5, nominal: 0.8, versions: ['btc-1a2b'] });
    expect(readLiveRecord(text)).toEqual({ modelVersion: 'btc-1a2b', samples: 240, coverage: 0.61, mase: 1.4, winkler: 310.5, nominalCoverage: 0.8 });
  });

  it('reports no samples before the first scoring, when the live gauges are absent', async () => {
    expect(readLiveRecord(await exposition({ versions: ['btc-1a2b'] }))).toEqual({ modelVersion: 'btc-1a2b', samples: 0 });
  });

  it('leaves out figures that are not finite (a MASE over a flat market is NaN)', () => {
    const text = ['# TYPE mur_live_mase gauge', 'mur_live_mase{step="all"} NaN', 'mur_live_coverage{step="all"} +Inf', 'mur_live_scored_samples{step="all"} 12', ''].join('\n');
    expect(readLiveRecord(text)).toEqual({ samples: 12 });
  });

  it('names no model version while two are loaded', async () => {
    expect(readLiveRecord(await exposition({ samples: 5, versions: ['old', 'new'] }))).toEqual({ samples: 5 });
  });

  it('refuses an answer that is not Prometheus text format', () => {
    expect(() => readLiveRecord('<html>502 Bad Gateway</html>\nmur_live_coverage{step="all" 0.5\n')).toThrow('the /metrics answer is not Prometheus text format');
  });
});
