import { describe, expect, it } from 'vitest';
import { parseDashboardConfig } from './config.ts';

describe('parseDashboardConfig', () => {
  it('has defaults that listen on 8090 with no targets', () => {
    expect(parseDashboardConfig({})).toEqual({ targets: [], host: '0.0.0.0', port: 8090, upstreamTimeoutMs: 5_000, tokenReloadMs: 10_000, logLevel: 'info' });
  });

  it('reads one target from DASHBOARD_TARGET_URL and DASHBOARD_TOKEN_FILE, named after the Service', () => {
    const config = parseDashboardConfig({ DASHBOARD_TARGET_URL: 'http://btc-usdt-forecast.markets.svc/', DASHBOARD_TOKEN_FILE: '/tokens/default' });
    // The operator's Service is <fm>-forecast: the pair is named after the ForecastModel.
    expect(config.targets).toEqual([{ name: 'btc-usdt', url: 'http://btc-usdt-forecast.markets.svc', tokenFile: '/tokens/default' }]);
    expect(parseDashboardConfig({ DASHBOARD_TARGET_URL: 'http://127.0.0.1:8080', DASHBOARD_TOKEN_FILE: '/t' }).targets[0]?.name).toBe('local');
    expect(parseDashboardConfig({ DASHBOARD_TARGET_URL: 'http://127.0.0.1:8080', DASHBOARD_TOKEN_FILE: '/t', DASHBOARD_TARGET_NAME: 'eth-usdt' }).targets[0]?.name).toBe('eth-usdt');
  });

  it('reads a JSON list of targets, each token file defaulting to DASHBOARD_TOKEN_FILE', () => {
    const config = parseDashboardConfig({
      DASHBOARD_TARGETS: JSON.stringify([
        { name: 'btc-usdt', url: 'http://btc-usdt.markets.svc:8080' },
        { name: 'eth-usdt', url: 'https://eth.example.com/forecasts/', tokenFile: '/tokens/eth' },
      ]),
      DASHBOARD_TOKEN_FILE: '/tokens/default',
      PORT: '9000',
      HOST: '127.0.0.1',
      DASHBOARD_UPSTREAM_TIMEOUT_MS: '2500',
      LOG_LEVEL: 'debug',
    });
    expect(config).toEqual({
      targets: [
        { name: 'btc-usdt', url: 'http://btc-usdt.markets.svc:8080', tokenFile: '/tokens/default' },
        { name: 'eth-usdt', url: 'https://eth.example.com/forecasts', tokenFile: '/tokens/eth' },
      ],
      host: '127.0.0.1',
      port: 9000,
      upstreamTimeoutMs: 2_500,
      tokenReloadMs: 10_000,
      logLevel: 'debug',
    });
    expect(Object.isFrozen(config.targets[0])).toBe(true);
  });

  it('names the variable or the list entry that is wrong', () => {
    const fails = (env: Record<string, string>) => () => parseDashboardConfig(env);
    expect(fails({ DASHBOARD_TARGETS: '[{"name":' })).toThrow(/^DASHBOARD_TARGETS is not valid JSON/);
    expect(fails({ DASHBOARD_TARGETS: '{"name":"a"}' })).toThrow('DASHBOARD_TARGETS must be a JSON list of {"name", "url", "tokenFile"}');
    expect(fails({ DASHBOARD_TARGETS: '[{"name":"a","url":"ftp://x"}]', DASHBOARD_TOKEN_FILE: '/t' })).toThrow('DASHBOARD_TARGETS[0].url "ftp://x" must start with http:// or https://');
    expect(fails({ DASHBOARD_TARGETS: '[{"name":"a","url":"http://x:8080"}]' })).toThrow('DASHBOARD_TARGETS[0].tokenFile is required when DASHBOARD_TOKEN_FILE is not set');
    expect(fails({ DASHBOARD_TARGETS: '[{"name":"a","url":"http://x","token":"abc"}]', DASHBOARD_TOKEN_FILE: '/t' })).toThrow('DASHBOARD_TARGETS[0].token is not a known field (name, url, tokenFile)');
    expect(fails({ DASHBOARD_TARGETS: '[{"url":"http://x"}]', DASHBOARD_TOKEN_FILE: '/t' })).toThrow('DASHBOARD_TARGETS[0].name is required');
    expect(fails({ DASHBOARD_TARGET_URL: 'http://x:8080' })).toThrow('DASHBOARD_TOKEN_FILE is required with DASHBOARD_TARGET_URL');
    expect(fails({ DASHBOARD_TARGET_URL: 'http://x', DASHBOARD_TARGETS: '[]', DASHBOARD_TOKEN_FILE: '/t' })).toThrow('set either DASHBOARD_TARGETS or DASHBOARD_TARGET_URL, not both');
    expect(fails({ DASHBOARD_TARGET_URL: 'http://user:pw@x', DASHBOARD_TOKEN_FILE: '/t' })).toThrow(/without credentials/);
    expect(fails({ PORT: '80.5' })).toThrow('PORT "80.5" must be a whole number from 0 to 65535');
    expect(fails({ LOG_LEVEL: 'verbose' })).toThrow(/^LOG_LEVEL "verbose" must be one of/);
  });

  it('turns discovery on with DASHBOARD_DISCOVERY_NAMESPACES: a list, or * for every namespace, next to configured targets', () => {
    const config = parseDashboardConfig({ DASHBOARD_DISCOVERY_NAMESPACES: ' markets, research ,markets', DASHBOARD_TOKEN_FILE: '/tokens/default', DASHBOARD_TARGET_URL: 'https://forecasts.example.com' });
    expect(config.discovery).toEqual({ namespaces: ['markets', 'research'], tokenFile: '/tokens/default' });
    expect(config.targets).toHaveLength(1);
    expect(parseDashboardConfig({ DASHBOARD_DISCOVERY_NAMESPACES: '*', DASHBOARD_TOKEN_FILE: '/t' }).discovery).toEqual({ namespaces: 'all', tokenFile: '/t' });
    expect(parseDashboardConfig({ DASHBOARD_TOKEN_FILE: '/t' })).not.toHaveProperty('discovery');
  });

  it('refuses discovery without a token file, and a namespace name Kubernetes would refuse', () => {
    expect(() => parseDashboardConfig({ DASHBOARD_DISCOVERY_NAMESPACES: '*' })).toThrow('DASHBOARD_TOKEN_FILE is required with DASHBOARD_DISCOVERY_NAMESPACES');
    expect(() => parseDashboardConfig({ DASHBOARD_DISCOVERY_NAMESPACES: 'markets,Research', DASHBOARD_TOKEN_FILE: '/t' })).toThrow('("Research" is not one)');
    expect(() => parseDashboardConfig({ DASHBOARD_DISCOVERY_NAMESPACES: ',', DASHBOARD_TOKEN_FILE: '/t' })).toThrow('must be "*" or a comma-separated list');
  });
});
