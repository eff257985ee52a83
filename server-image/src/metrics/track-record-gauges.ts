import { Gauge, type Registry } from 'prom-client';
import type { TrackRecordScores } from '../track-record/score-past-forecasts.ts';
import { createAbsentUntilSetGauge, type AbsentUntilSetGauge } from './absent-until-set-gauge.ts';

/** The live track record's gauges (`mur_live_*`); every series is absent until the first scoring. */
export interface TrackRecordGauges {
  /** Replace every series with the figures of one scoring; a figure that is null (no samples) has no series. */
  publish(scores: TrackRecordScores, intervalLevel: number | null): void;
}

/**
 * Register `mur_live_scored_samples`, `mur_live_mase`, `mur_live_coverage`, `mur_live_winkler` (label `step`:
 * "1".."H" or "all") and `mur_live_nominal_coverage`. Alerting and retraining rules read them by name.
 */
export function createTrackRecordGauges(registry: Registry): TrackRecordGauges {
  const registers = [registry];
  const samples = new Gauge({ name: 'mur_live_scored_samples', help: 'Forecasts scored out of sample since the training cutoff, per horizon step ("all": forecasts complete at every step)', labelNames: ['step'], registers });
  const mase = new Gauge({ name: 'mur_live_mase', help: 'Live MASE of the median against naive persistence, per horizon step ("all": horizon average); below 1 beats naive', labelNames: ['step'], registers });
  const coverage = new Gauge({ name: 'mur_live_coverage', help: 'Live share (0-1) of closes inside the outer forecast interval, per horizon step ("all": horizon average)', labelNames: ['step'], registers });
  const winkler = new Gauge({ name: 'mur_live_winkler', help: 'Live Winkler score of the outer forecast interval, per horizon step ("all": horizon average); lower is better', labelNames: ['step'], registers });
  const nominal: AbsentUntilSetGauge = createAbsentUntilSetGauge({ name: 'mur_live_nominal_coverage', help: 'Nominal coverage (0-1) of the outer forecast interval that mur_live_coverage is measured against', registry });
  return {
    publish(scores, intervalLevel) {
      for (const gauge of [samples, mase, coverage, winkler]) gauge.reset();
      for (const score of [...scores.steps, scores.overall]) {
        const step = String(score.step);
        samples.set({ step }, score.samples);
        if (score.mase !== null) mase.set({ step }, score.mase);
        if (score.coverage !== null) coverage.set({ step }, score.coverage);
        if (score.winkler !== null) winkler.set({ step }, score.winkler);
      }
      if (intervalLevel !== null) nominal.set(intervalLevel);
    },
  };
}
