// The candlestick chart with the forecast continuing to its right (lightweight-charts, served by the backend).
import { CandlestickSeries, LineSeries, LineStyle, createChart } from '/vendor/lightweight-charts.mjs';
import { formatPrice, timeframeMs } from './format.js';
import { readCandles, readForecastPoints } from './documents.js';

const UP = '#1a7f37';
const DOWN = '#cf222e';
const FORECAST = '#0550ae';

/** Create the chart in `container`; `update(candlesDocument, forecast)` redraws it. */
export function createForecastChart(container) {
  const chart = createChart(container, {
    autoSize: true,
    layout: { background: { color: '#ffffff' }, textColor: '#1f2328', fontSize: 12 },
    grid: { vertLines: { color: '#eaeef2' }, horzLines: { color: '#eaeef2' } },
    timeScale: { timeVisible: true, secondsVisible: false, rightOffset: 2 },
    localization: { priceFormatter: formatPrice },
  });
  // Up candles are hollow and down candles filled, so direction reads without colour.
  const candles = chart.addSeries(CandlestickSeries, {
    upColor: 'rgba(0, 0, 0, 0)', downColor: DOWN, borderUpColor: UP, borderDownColor: DOWN, wickUpColor: UP, wickDownColor: DOWN,
  });
  const median = chart.addSeries(LineSeries, { color: FORECAST, lineWidth: 2, title: 'median', priceLineVisible: false });
  const lower = chart.addSeries(LineSeries, { color: FORECAST, lineWidth: 1, lineStyle: LineStyle.Dashed, title: 'lower', priceLineVisible: false, lastValueVisible: false });
  const upper = chart.addSeries(LineSeries, { color: FORECAST, lineWidth: 1, lineStyle: LineStyle.Dashed, title: 'upper', priceLineVisible: false, lastValueVisible: false });
  let fitted = false;

  return {
    /** The lightweight-charts instance, for layers other modules draw (the past-forecast band). */
    api: chart,
    /** Draw the candles and the forecast; the view is fitted on the first draw only, so a user's zoom survives refreshes. */
    update(candlesDocument, forecast) {
      const bars = readCandles(candlesDocument);
      const points = readForecastPoints(forecast);
      const stepMs = timeframeMs(forecast?.timeframe ?? candlesDocument?.timeframe) ?? spacing(bars);
      candles.setData(bars.map((c) => ({ time: seconds(c.time), open: c.open, high: c.high, low: c.low, close: c.close })));
      // A forecast price is the close of a future candle: draw it where that candle would stand, starting from the last close.
      const anchor = forecastAnchor(bars, forecast, stepMs);
      const at = (p) => seconds(p.time - (stepMs ?? 0));
      median.setData(withAnchor(anchor, points.map((p) => ({ time: at(p), value: p.median }))));
      lower.setData(withAnchor(anchor, points.filter((p) => p.lower !== undefined).map((p) => ({ time: at(p), value: p.lower }))));
      upper.setData(withAnchor(anchor, points.filter((p) => p.upper !== undefined).map((p) => ({ time: at(p), value: p.upper }))));
      if (!fitted && bars.length > 0) {
        chart.timeScale().fitContent();
        fitted = true;
      }
      return { candles: bars.length, points: points.length };
    },
    /** Forget the fitted view, for a newly chosen target. */
    reset() {
      fitted = false;
    },
  };
}

function seconds(ms) {
  return Math.floor(ms / 1000);
}

function spacing(bars) {
  return bars.length >= 2 ? bars[bars.length - 1].time - bars[bars.length - 2].time : undefined;
}

function forecastAnchor(bars, forecast, stepMs) {
  const last = bars[bars.length - 1];
  const close = Number.isFinite(forecast?.lastClose) ? forecast.lastClose : last?.close;
  const time = Number.isFinite(forecast?.lastCloseTime) && stepMs !== undefined ? forecast.lastCloseTime - stepMs : last?.time;
  return Number.isFinite(close) && Number.isFinite(time) ? { time: seconds(time), value: close } : undefined;
}

function withAnchor(anchor, data) {
  if (data.length === 0 || anchor === undefined || anchor.time >= data[0].time) return data;
  return [anchor, ...data];
}
