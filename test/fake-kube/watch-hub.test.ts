import { describe, expect, it } from 'vitest';
import { ObjectStore } from './object-store.ts';

const object = (name: string, owner?: string) => ({
  metadata: { name, namespace: 'markets', uid: `uid-${name}`, ...(owner ? { ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: owner, uid: `uid-${owner}` }] } : {}) },
});

describe('ObjectStore and WatchHub', () => {
  it('hands out increasing resourceVersions and replays events after a version', () => {
    const store = new ObjectStore(100);
    store.write('widgets', object('a'));
    const second = store.write('widgets', object('b'));
    store.write('widgets', { ...object('a'), spec: { x: 1 } });
    store.remove('widgets', 'markets', 'b');
    expect(second.metadata.resourceVersion).toBe('2');
    expect(store.resourceVersion).toBe(4);
    const replay = store.hub.eventsSince('widgets', 2);
    expect(Array.isArray(replay) && replay.map((e) => `${e.type} ${e.object.metadata.name} ${e.resourceVersion}`)).toEqual(['MODIFIED a 3', 'DELETED b 4']);
  });

  it('expires versions below the compaction point and trims history beyond the limit', () => {
    const store = new ObjectStore(2);
    for (let i = 0; i < 5; i++) store.write('widgets', object(`w${i}`));
    expect(store.hub.eventsSince('widgets', 0)).toEqual({ expired: true, oldestResumable: 0 + 3 });
    const kept = store.hub.eventsSince('widgets', 3);
    expect(Array.isArray(kept) && kept.map((e) => e.resourceVersion)).toEqual([4, 5]);
    store.hub.expireBefore(5);
    expect(store.hub.eventsSince('widgets', 4)).toEqual({ expired: true, oldestResumable: 5 });
    expect(store.hub.eventsSince('widgets', 5)).toEqual([]);
  });

  it('indexes dependents by owner uid and counts objects per namespace', () => {
    const store = new ObjectStore(10);
    store.write('owners', object('owner'));
    store.write('jobs', object('job', 'owner'));
    expect(store.dependentsOf('uid-owner').map((e) => e.object.metadata.name)).toEqual(['job']);
    expect(store.countInNamespace('markets')).toBe(2);
    store.write('jobs', object('job'));
    expect(store.dependentsOf('uid-owner')).toEqual([]);
    store.remove('jobs', 'markets', 'job');
    expect(store.countInNamespace('markets')).toBe(1);
  });
});
