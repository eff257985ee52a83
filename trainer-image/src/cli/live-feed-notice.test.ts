import { describe, expect, it } from 'vitest';
import { noLiveFeedNotice } from './live-feed-notice.ts';
import { CSV_EXCHANGE, UNKNOWN_CSV_SYMBOL } from './trainer-config.ts';

describe('noLiveFeedNotice', () => {
  it('says the model serves posted candles only and which flags record the market', () => {
    const notice = noLiveFeedNotice({ exchange: CSV_EXCHANGE, symbol: 'ETH/USDT' }, 'data/ETHUSDT-1h.csv');
    expect(notice).toContain('cannot serve live forecasts');
    expect(notice).toContain('POST /v1/forecast');
    expect(notice).toContain('--data data/ETHUSDT-1h.csv --exchange <ccxt id, e.g. binance> --symbol ETH/USDT');
  });

  it('does not suggest the placeholder symbol of a file with an unrecognised name', () => {
    expect(noLiveFeedNotice({ exchange: CSV_EXCHANGE, symbol: UNKNOWN_CSV_SYMBOL }, 'candles.csv')).toContain('--symbol <BASE/QUOTE>');
  });
});
