// The past step-1 forecasts as a faint band behind the candles: each candle's interval, forecast one candle
// before it closed, as a shaded column with a tick at the forecast median (a lightweight-charts custom series).
import { customSeriesDefaultOptions } from '/vendor/lightweight-charts.mjs';
import { timeframeMs } from './format.js';

const BAND = 'rgba(5, 80, 174, 0.10)';
const MEDIAN = 'rgba(5, 80, 174, 0.35)';

/** Add the band to `chart` beneath its other series; `update(trackRecord, candlesDocument)` redraws it. */
export function createPastForecastBand(chart) {
  const series = chart.addCustomSeries(new BandView(), { priceLineVisible: false, lastValueVisible: false, crosshairMarkerVisible: false });
  // Series added first paint first: order 0 keeps the band under the candles and the forecast lines.
  series.setSeriesOrder(0);
  return {
    /** Draw the scored forecasts for the candles on the chart (older ones have no candle to sit behind); returns how many. */
    update(trackRecord, candlesDocument) {
      const stepMs = timeframeMs(trackRecord?.timeframe ?? candlesDocument?.timeframe);
      const candles = Array.isArray(candlesDocument?.candles) ? candlesDocument.candles : [];
      const firstOpen = candles.length > 0 ? Math.min(...candles.map((c) => (Array.isArray(c) ? c[0] : c?.time)).filter(Number.isFinite)) : undefined;
      const points = stepMs === undefined || !Number.isFinite(firstOpen) ? [] : readBandPoints(trackRecord, stepMs).filter((p) => p.open >= firstOpen);
      series.setData(points.map((p) => ({ time: Math.floor(p.open / 1000), lower: p.lower, upper: p.upper, median: p.median })));
      return points.length;
    },
    /** Remove the band, e.g. when the track record cannot be fetched. */
    clear() {
      series.setData([]);
    },
  };
}

/** Step-1 forecasts with both bounds, placed at the open of the candle they are for (`time` is its close). */
function readBandPoints(trackRecord, stepMs) {
  const list = Array.isArray(trackRecord?.forecasts) ? trackRecord.forecasts : [];
  return list
    .filter((p) => [p?.time, p?.lower, p?.upper, p?.median].every(Number.isFinite))
    .map((p) => ({ open: p.time - stepMs, lower: p.lower, upper: p.upper, median: p.median }))
    .sort((a, b) => a.open - b.open);
}

/** The custom series' view: one shaded column per candle from the lower to the upper bound. */
class BandView {
  constructor() {
    this.data = undefined;
  }

  renderer() {
    return { draw: (target, priceToY) => this.draw(target, priceToY) };
  }

  update(data) {
    this.data = data;
  }

  priceValueBuilder(row) {
    return [row.lower, row.upper, row.median];
  }

  isWhitespace(row) {
    return !Number.isFinite(row.lower) || !Number.isFinite(row.upper);
  }

  defaultOptions() {
    return { ...customSeriesDefaultOptions, color: BAND };
  }

  draw(target, priceToY) {
    const data = this.data;
    if (!data || data.bars.length === 0 || data.visibleRange === null) return;
    const half = Math.max(1, data.barSpacing / 2);
    target.useBitmapCoordinateSpace(({ context, horizontalPixelRatio: h, verticalPixelRatio: v }) => {
      for (let i = data.visibleRange.from; i < data.visibleRange.to; i++) {
        const bar = data.bars[i];
        if (bar === undefined) continue;
        const top = priceToY(bar.originalData.upper);
        const bottom = priceToY(bar.originalData.lower);
        const middle = priceToY(bar.originalData.median);
        if (top === null || bottom === null) continue;
        const left = Math.round((bar.x - half) * h);
        const width = Math.max(1, Math.round((bar.x + half) * h) - left);
        context.fillStyle = BAND;
        context.fillRect(left, Math.round(top * v), width, Math.max(1, Math.round((bottom - top) * v)));
        if (middle !== null) {
          context.fillStyle = MEDIAN;
          context.fillRect(left, Math.round(middle * v), width, Math.max(1, Math.round(v)));
        }
      }
    });
  }
}
