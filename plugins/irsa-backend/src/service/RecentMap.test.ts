import { RecentMap } from './RecentMap';

describe('RecentMap', () => {
  it('keeps at most maxEntries, dropping the least recently set or read', () => {
    const map = new RecentMap<number>(2);
    map.set('a', 1);
    map.set('b', 2);
    expect(map.get('a')).toBe(1); // b is now the least recently used
    map.set('c', 3);
    expect(map.get('b')).toBeUndefined();
    expect(map.get('a')).toBe(1);
    expect(map.get('c')).toBe(3);
  });

  it('deletes an entry only if it is still the one given', () => {
    const map = new RecentMap<object>(10);
    const old = {};
    const newer = {};
    map.set('k', old);
    map.set('k', newer);
    map.deleteIf('k', old);
    expect(map.get('k')).toBe(newer);
    map.deleteIf('k', newer);
    expect(map.get('k')).toBeUndefined();
  });
});
