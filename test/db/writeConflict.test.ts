// Risk covered: two instances starting at once on two Galera nodes, one of them failing start-up because a
// certification conflict at COMMIT reached it in a shape the retry did not know (Prisma's MariaDB adapter
// throws a bare DriverAdapterError of kind TransactionWriteConflict from an interactive transaction's COMMIT).
import { DriverAdapterError } from '@prisma/driver-adapter-utils';
import { isWriteConflict, retryOnWriteConflict } from '../../src/db/writeConflict';

test('a conflict in each shape it arrives in is a write conflict; other errors are not', () => {
  expect(isWriteConflict(new DriverAdapterError({ kind: 'TransactionWriteConflict' }))).toBe(true);
  expect(isWriteConflict(Object.assign(new Error('deadlock'), { code: 'P2034' }))).toBe(true);
  expect(isWriteConflict(Object.assign(new Error('deadlock'), { errno: 1213 }))).toBe(true);
  expect(isWriteConflict(Object.assign(new Error('lock wait'), { errno: 1205 }))).toBe(true);
  expect(isWriteConflict(new DriverAdapterError({ kind: 'UniqueConstraintViolation', constraint: undefined }))).toBe(
    false,
  );
  expect(isWriteConflict(new Error('boom'))).toBe(false);
  expect(isWriteConflict(null)).toBe(false);
});

test('a unit whose COMMIT conflicts is run again whole, and a different error is not retried', async () => {
  let runs = 0;
  const answer = await retryOnWriteConflict(async () => {
    runs++;
    if (runs < 3) throw new DriverAdapterError({ kind: 'TransactionWriteConflict' });
    return 'done';
  });
  expect({ answer, runs }).toEqual({ answer: 'done', runs: 3 });
  let failing = 0;
  await expect(
    retryOnWriteConflict(async () => {
      failing++;
      throw new Error('not a conflict');
    }),
  ).rejects.toThrow('not a conflict');
  expect(failing).toBe(1);
});
