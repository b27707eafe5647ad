// Risk covered: the polling helpers the tests lean on passing when they should fail: `until` must throw
// when its condition never comes, `holdsFor` the moment its condition breaks inside the window (and
// pass its probe's own failure through), so that "nothing more happens" checks can fail.
import { holdsFor, until } from './until';

test('until: the first truthy value, or a timeout naming what it waited for', async () => {
  let calls = 0;
  await expect(until('the third call', () => ++calls >= 3 && calls, 1_000, 5)).resolves.toBe(3);
  await expect(until('never', () => false, 50, 5)).rejects.toThrow('timed out after 50 ms waiting for never');
});

test('holdsFor: passes when the probe stays true, fails as soon as it turns false', async () => {
  let calls = 0;
  await holdsFor('always', () => (++calls, true), 100, 10);
  expect(calls).toBeGreaterThan(2);
  const started = Date.now();
  let count = 0;
  await expect(holdsFor('count below 3', () => ++count < 3, 5_000, 10)).rejects.toThrow(
    'no longer true within 5000 ms: count below 3',
  );
  expect(Date.now() - started).toBeLessThan(2_000);
  await expect(
    holdsFor(
      'an expectation',
      () => {
        throw new Error('the probe failed');
      },
      100,
    ),
  ).rejects.toThrow('the probe failed');
});
