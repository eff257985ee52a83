import { Hono } from 'hono';
import type { AppEnv } from '../http/app-env.ts';
import { requireModel, type ServingState } from '../serving-state.ts';

/** Options of {@link createTrackRecordRoutes}. */
export interface TrackRecordRoutesOptions {
  readonly state: Pick<ServingState, 'modelStatus' | 'trackRecord'>;
}

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=UTF-8' } as const;

/** GET /track-record: the live out-of-sample record, encoded once per scoring. */
export function createTrackRecordRoutes(options: TrackRecordRoutesOptions): Hono<AppEnv> {
  const { state } = options;
  const routes = new Hono<AppEnv>();
  routes.get('/track-record', (c) => {
    requireModel(state);
    const record = state.trackRecord();
    // The record appears together with the model, so a ready model without one is a wiring fault.
    if (record === undefined) throw new Error('the model is loaded but has no live track record');
    return c.body(record.latestJson(), 200, JSON_HEADERS);
  });
  return routes;
}
