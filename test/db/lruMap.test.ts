// Risk covered: the bounded map behind the caller cache growing past its cap, or evicting a caller
// that is in use instead of the least recently used one.
import { LruMap } from '../../src/db/lruMap';

describe('LruMap', () => {
  test('never holds more than its cap, evicting the least recently used first', () => {
    const lru = new LruMap<string, number>(3);
    for (let i = 0; i < 1_000; i++) lru.set(`k${i}`, i);
    expect(lru.size).toBe(3);
    expect([...lru.keys()]).toEqual(['k997', 'k998', 'k999']);
  });

  test('a read makes an entry the most recently used; peek does not', () => {
    const lru = new LruMap<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1);
    lru.set('c', 3);
    expect(lru.peek('b')).toBeUndefined();
    expect(lru.peek('a')).toBe(1);
    lru.peek('a');
    lru.set('d', 4);
    expect([...lru.keys()]).toEqual(['c', 'd']);
  });

  test('setting an existing key replaces it without growing; delete frees a place', () => {
    const lru = new LruMap<string, number>(2);
    lru.set('a', 1);
    lru.set('a', 2);
    expect(lru.size).toBe(1);
    expect(lru.get('a')).toBe(2);
    expect(lru.delete('a')).toBe(true);
    expect(lru.size).toBe(0);
    expect(lru.get('a')).toBeUndefined();
  });

  test('a cap that is not a positive integer is refused', () => {
    expect(() => new LruMap(0)).toThrow(/positive integer/);
    expect(() => new LruMap(1.5)).toThrow(/positive integer/);
  });
});
