import { describe, expect, it } from 'vitest';
import { RefreshingCredentialProvider, type TemporaryCredentials } from './refreshing-credential-provider.ts';

const HOUR = 3_600_000;

/** A provider on a hand-moved clock whose fetches hand out numbered sessions living `lifetime` ms. */
function fakeProvider(lifetime: number) {
  const clock = { now: 0 };
  const fetches: number[] = [];
  let fail: Error | undefined;
  const provider = new RefreshingCredentialProvider({
    now: () => clock.now,
    fetch: async (): Promise<TemporaryCredentials> => {
      fetches.push(clock.now);
      if (fail) throw fail;
      return { accessKey: 'key', secretKey: 'secret', sessionToken: `session-${fetches.length}`, expiresAt: clock.now + lifetime };
    },
  });
  const token = async () => (await provider.getCredentials()).getSessionToken();
  return { provider, clock, fetches, token, failWith: (error: Error | undefined) => void (fail = error) };
}

describe('RefreshingCredentialProvider', () => {
  it('serves the cached set until a fifth of its lifetime is left, then refreshes', async () => {
    const { clock, fetches, token } = fakeProvider(10_000);
    expect(await token()).toBe('session-1');
    clock.now = 7_999;
    expect(await token()).toBe('session-1');
    clock.now = 8_000;
    expect(await token()).toBe('session-2');
    expect(fetches).toEqual([0, 8_000]);
  });

  it('refreshes long sessions five minutes before expiry', async () => {
    const { clock, fetches, token } = fakeProvider(HOUR);
    await token();
    clock.now = HOUR - 300_001;
    await token();
    clock.now = HOUR - 300_000;
    await token();
    expect(fetches).toEqual([0, HOUR - 300_000]);
  });

  it('fetches once for concurrent callers', async () => {
    const { fetches, provider } = fakeProvider(10_000);
    const all = await Promise.all([provider.getCredentials(), provider.getCredentials(), provider.getCredentials()]);
    expect(new Set(all.map((c) => c.getSessionToken()))).toEqual(new Set(['session-1']));
    expect(fetches).toHaveLength(1);
  });

  it('keeps using a still-valid set when a refresh fails, and fails once it has expired', async () => {
    const { clock, fetches, token, failWith } = fakeProvider(10_000);
    await token();
    failWith(new Error('STS unavailable'));
    clock.now = 9_000;
    expect(await token()).toBe('session-1');
    clock.now = 10_000;
    await expect(token()).rejects.toThrow('STS unavailable');
    failWith(undefined);
    expect(await token()).toBe('session-4');
    expect(fetches).toEqual([0, 9_000, 10_000, 10_000]);
  });
});
