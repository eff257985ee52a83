import { MAX_REQUEST_CANDLES, tooManyCandles } from '../forecast/candle-schema.ts';
import type { JsonArrayCap } from './json-array-cap.ts';

/**
 * The candle limit of POST /v1/forecast as readJsonBody enforces it while a body streams in; its refusal is
 * the parser's own, which the error handler answers with 413.
 */
export const FORECAST_CANDLE_CAP: JsonArrayCap = { key: 'candles', maxItems: MAX_REQUEST_CANDLES, refuse: tooManyCandles };
