import { describe, expect, it } from 'vitest';
import { BadInputError } from '../errors.ts';
import { createExchange, rewriteApiUrls } from './create-exchange.ts';

describe('createExchange', () => {
  it('builds a rate-limited ccxt exchange for a known id', () => {
    const exchange = createExchange('binance', { timeoutMs: 2_500 });
    expect(exchange.id).toBe('binance');
    expect(exchange.enableRateLimit).toBe(true);
    expect(exchange.timeout).toBe(2_500);
  });

  it('loads spot markets only, since specs name BASE/QUOTE spot pairs', () => {
    expect(createExchange('binance').options['fetchMarkets']).toMatchObject({ types: ['spot'] });
  });

  it.each(['notanexchange', 'pro', 'version', 'Exchange', 'errors'])('rejects "%s" as market.exchange', (id) => {
    let thrown: unknown;
    try {
      createExchange(id);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BadInputError);
    expect((thrown as BadInputError).field).toBe('market.exchange');
    expect((thrown as Error).message).toContain(`market.exchange "${id}"`);
  });

  it('points every REST URL at the base URL, keeping the paths', () => {
    const exchange = createExchange('binance', { baseUrl: 'http://127.0.0.1:9000/' });
    const api = exchange.urls['api'] as Record<string, string>;
    expect(api['public']).toBe('http://127.0.0.1:9000/api/v3');
    expect(api['fapiPublic']).toBe('http://127.0.0.1:9000/fapi/v1');
    expect(Object.values(api).every((url) => url.startsWith('http://127.0.0.1:9000/'))).toBe(true);
  });

  it('keeps a path prefix of the base URL', () => {
    const exchange = createExchange('binance', { baseUrl: 'https://mirror.internal/binance' });
    expect((exchange.urls['api'] as Record<string, string>)['public']).toBe('https://mirror.internal/binance/api/v3');
  });

  it.each([
    ['not a url', 'is not a URL'],
    ['ftp://mirror.internal', 'must use http or https'],
  ])('rejects the base URL %j', (baseUrl, message) => {
    expect(() => createExchange('binance', { baseUrl })).toThrow(message);
  });

  it('rejects a non-positive timeout', () => {
    expect(() => createExchange('binance', { timeoutMs: 0 })).toThrow(BadInputError);
  });
});

describe('rewriteApiUrls', () => {
  it('rewrites strings, nested maps and templated hosts, and leaves non-URLs alone', () => {
    const api = {
      public: 'https://api.example.com/v1',
      spot: { rest: 'https://api.{hostname}/v5', version: 'v5' },
      list: ['http://a.example.com/x'],
      socket: 'wss://stream.example.com/ws',
    };
    expect(rewriteApiUrls(api, 'http://127.0.0.1:1')).toEqual({
      public: 'http://127.0.0.1:1/v1',
      spot: { rest: 'http://127.0.0.1:1/v5', version: 'v5' },
      list: ['http://127.0.0.1:1/x'],
      socket: 'wss://stream.example.com/ws',
    });
    expect(rewriteApiUrls('https://api.example.com', 'http://127.0.0.1:1')).toBe('http://127.0.0.1:1');
  });
});
