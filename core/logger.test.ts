import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function collect(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk, _encoding, done) { chunks.push(String(chunk)); done(); } });
  return { stream, lines: () => chunks.join('').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('hides bearer headers, tokens and storage secrets at the top level and one level down', () => {
    const { stream, lines } = collect();
    createLogger({ name: 'test', destination: stream }).info(
      { authorization: 'Bearer a', headers: { authorization: 'Bearer b' }, req: { headers: { authorization: 'Bearer c' } }, token: { name: 'alice', value: 'secret' }, s3: { secretKey: 'k', token: 't' } },
      'hello',
    );
    const [line] = lines();
    expect(line).toMatchObject({ authorization: '[redacted]', headers: { authorization: '[redacted]' }, req: { headers: { authorization: '[redacted]' } }, token: '[redacted]', s3: { secretKey: '[redacted]', token: '[redacted]' } });
  });

  it('keeps an API token name under `token` when told the field holds names, still hiding token values', () => {
    const { stream, lines } = collect();
    createLogger({ name: 'test', tokenField: 'name', destination: stream }).info({ token: 'ci', headers: { authorization: 'Bearer b' }, s3: { secretKey: 'k' } }, 'request finished');
    expect(lines()[0]).toMatchObject({ token: 'ci', headers: { authorization: '[redacted]' }, s3: { secretKey: '[redacted]' } });
    const object = collect();
    createLogger({ name: 'test', tokenField: 'name', destination: object.stream }).info({ token: { name: 'ci', value: 'secret' } }, 'x');
    expect(object.lines()[0]).toMatchObject({ token: { name: 'ci', value: '[redacted]' } });
  });

  it('names the component, or writes the given fixed fields in its place', () => {
    const named = collect();
    createLogger({ name: 'operator', destination: named.stream }).info('x');
    expect(named.lines()[0]).toMatchObject({ name: 'operator', level: 'info', msg: 'x' });
    const fixed = collect();
    createLogger({ name: 'mur-server', fields: { service: 'mur-server' }, destination: fixed.stream }).warn('y');
    const line = fixed.lines()[0]!;
    expect(line).toMatchObject({ service: 'mur-server', level: 'warn', msg: 'y' });
    expect(line).not.toHaveProperty('name');
    expect(line).not.toHaveProperty('pid');
  });
});
