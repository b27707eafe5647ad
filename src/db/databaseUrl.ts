/**
 * DATABASE_URL (`mysql://user:password@host:port/database`) split into driver options. Several hosts
 * may be named (`mysql://user@h1:3306,h2:3306,h3:3306/db`, PROTOCOL §13): `hosts` keeps them in the
 * order given, and `host`/`port` are the first, for the single-host callers.
 */
export interface DatabaseHost {
  host: string;
  port: number;
}

export interface DatabaseTarget extends DatabaseHost {
  hosts: readonly DatabaseHost[];
  user: string;
  password: string;
  database: string;
}

// WHATWG URL refuses a comma-separated authority, so the URL is split by hand: scheme, credentials,
// host list, path; the credentials are decoded as URL does.
const DATABASE_URL = /^(mysql|mariadb):\/\/(?:([^@/?#]*)@)?([^/?#]*)(\/[^?#]*)?(?:\?[^#]*)?(?:#.*)?$/;

export function parseDatabaseUrl(databaseUrl: string): DatabaseTarget {
  const match = DATABASE_URL.exec(databaseUrl);
  if (!match) throw new Error(`DATABASE_URL must be mysql://user:password@host:port[,host:port...]/database`);
  const [, , credentials = '', hostList = '', pathname = ''] = match;
  const database = decodeURIComponent(pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_$]{1,64}$/.test(database)) {
    throw new Error(`DATABASE_URL must name a database of [A-Za-z0-9_$], got "${database}"`);
  }
  const [user, password = ''] = splitOnce(credentials, ':');
  const hosts = hostList.split(',').map(parseHost);
  const [first = parseHost('')] = hosts;
  return {
    ...first,
    hosts,
    user: decodeURIComponent(user || 'root'),
    password: decodeURIComponent(password),
    database,
  };
}

function parseHost(raw: string): DatabaseHost {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(raw);
  const [host, port] = bracketed ? [bracketed[1], bracketed[2]] : splitOnce(raw, ':');
  if (port !== undefined && (!/^\d{1,5}$/.test(port) || Number(port) > 65535)) {
    throw new Error(`DATABASE_URL has a bad port in "${raw}"`);
  }
  return { host: host || '127.0.0.1', port: port ? Number(port) : 3306 };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** The same target on one of its hosts (the migrator and the Prisma adapter connect to one host). */
export function onHost(target: DatabaseTarget, host: DatabaseHost): DatabaseTarget {
  return { ...target, host: host.host, port: host.port };
}
