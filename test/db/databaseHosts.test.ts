// Risk covered: a DATABASE_URL naming several hosts refused or misread, and a process that stays on a
// failed node instead of moving to the next ready one (PROTOCOL §13).
import { loadConfig } from '../../src/config';
import { DatabaseHosts, NodeReadiness } from '../../src/db/databaseHosts';
import { DatabaseHost, parseDatabaseUrl } from '../../src/db/databaseUrl';

test('several hosts are read in order, with default ports, and the first is the single-host target', () => {
  const target = parseDatabaseUrl('mysql://app:p%40ss@db1:3307,db2,[::1]:3309/casino');
  expect(target.hosts).toEqual([
    { host: 'db1', port: 3307 },
    { host: 'db2', port: 3306 },
    { host: '::1', port: 3309 },
  ]);
  expect(target).toMatchObject({ host: 'db1', port: 3307, user: 'app', password: 'p@ss', database: 'casino' });
  expect(loadConfig({ DATABASE_URL: 'mysql://root@h1:3306,h2:3306,h3:3306/db' }).databaseUrl).toBe(
    'mysql://root@h1:3306,h2:3306,h3:3306/db',
  );
  expect(() => parseDatabaseUrl('mysql://root@h1:99999/db')).toThrow(/bad port/);
});

test('the process starts on the first ready host and moves to the next ready one when its host fails', async () => {
  const ready = new Map<number, boolean>([
    [1, false],
    [2, true],
    [3, true],
  ]);
  const probe = async (host: DatabaseHost): Promise<NodeReadiness> => ({
    ready: ready.get(host.port) ?? false,
    detail: null,
  });
  const hosts = new DatabaseHosts(
    [1, 2, 3].map((port) => ({ host: 'h', port })),
    probe,
  );
  const moves: number[] = [];
  hosts.onSwitch((host) => moves.push(host.port));
  expect((await hosts.chooseFirstReady()).port).toBe(2);
  ready.set(1, true);
  await hosts.check();
  expect(hosts.current.port).toBe(2); // no flapping back while the current host is fine
  ready.set(2, false);
  await hosts.check();
  expect(hosts.current.port).toBe(1);
  expect(moves).toEqual([2, 1]);
});
