// Risk covered: the cached placeholder substitution (src/db/sqlTemplate.ts) sending SQL that differs
// from what mysql2's own format() sends for the same text and values: a value escaped differently, a `?`
// inside a string or comment taken for a placeholder, or one missed.
import fc from 'fast-check';
import { format } from 'mysql2';
import { SQL_TIMEZONE, formatSql, splitAtPlaceholders } from '../../src/db/sqlTemplate';

const driverFormat = (sql: string, params: unknown[]) => format(sql, params as never, false, SQL_TIMEZONE);
const noFallback = (): string => {
  throw new Error('fell back to format()');
};

const scalar = fc.oneof(
  fc.string(),
  fc.string({ unit: fc.constantFrom("'", '"', '\\', '\0', '\n', '\r', '\x1a', '`', '?', 'a', 'é', '😀') }),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.bigInt(),
  fc.boolean(),
  fc.constant(null),
  fc.date({ noInvalidDate: true }),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
);

describe('formatSql', () => {
  test('the statements of the money path come out exactly as format() makes them', () => {
    const statements: [string, unknown[]][] = [
      ["SELECT id FROM players WHERE operator_id = ? AND user_id = ? AND kind = 'withdraw' FOR UPDATE", [7, "o'brien"]],
      [
        'UPDATE wallets SET balance_minor = LAST_INSERT_ID(balance_minor + ?), updated_at = ? WHERE id = ?',
        [-250n, new Date('2026-11-21T07:00:00.123Z'), '42'],
      ],
      ['INSERT INTO t (a, b, c, d) VALUES (?, ?, ?, ?)', [Buffer.from('00ff10', 'hex'), null, undefined, true]],
      ["SELECT '?' AS q, `a?b` AS `x``?`, ? AS v -- a comment?\n, ? /* and ? here */ FROM dual", ['one', 'two']],
      ['SELECT ? --not a comment ?', [1, 2]],
    ];
    for (const [sql, params] of statements) expect(formatSql(sql, params, noFallback)).toBe(driverFormat(sql, params));
  });

  test('any text made of quotes, comments and placeholders, with any scalar values, matches format()', () => {
    const text = fc.string({
      unit: fc.constantFrom("'", '`', '"', '?', '-', '/', '*', '!', '+', '\\', ' ', '\n', 'a', '1'),
      maxLength: 60,
    });
    fc.assert(
      fc.property(text, fc.array(scalar, { maxLength: 12 }), (sql, pool) => {
        const parts = splitAtPlaceholders(sql);
        const wanted = parts ? parts.length - 1 : pool.length;
        const params = Array.from({ length: wanted }, (_, i) => (pool.length ? pool[i % pool.length] : i));
        expect(formatSql(sql, params, driverFormat)).toBe(driverFormat(sql, params));
      }),
      { numRuns: 3000 },
    );
  });

  test('`??` identifiers, object values and a wrong number of values are left to format()', () => {
    let fellBack = 0;
    const counting = (sql: string, params: unknown[]) => {
      fellBack++;
      return driverFormat(sql, params);
    };
    expect(formatSql('SELECT ?? FROM t', ['col'], counting)).toBe('SELECT `col` FROM t');
    expect(formatSql('UPDATE t SET ?', [{ a: 1 }], counting)).toBe(driverFormat('UPDATE t SET ?', [{ a: 1 }]));
    expect(formatSql('SELECT ?, ?', [1], counting)).toBe(driverFormat('SELECT ?, ?', [1]));
    expect(fellBack).toBe(3);
  });
});
