/**
 * Reference endpoint R for `npm run bench`: the least an HTTP money call can do on this stack, so that
 * our API's numbers have something to be compared with. One POST route, Express 5 with the same JSON
 * parser settings as our app, the same HMAC verification (src/domain/signing.ts), and one mysql2
 * transaction on a pool made exactly as our app makes it (src/db/mysqlPool.ts):
 *
 *   START TRANSACTION; INSERT ledger row (unique on operator, transaction_id);
 *   UPDATE wallet SET balance = balance - ? WHERE id = ? AND balance >= ?; COMMIT
 *
 * A second route, REFERENCE_APP_SHAPED_PATH, is a diagnostic: the same work in our app's statement
 * shape (caller lookup and idempotency look-up on the pool, then START; SELECT ... FOR UPDATE; UPDATE;
 * INSERT; COMMIT), to tell the cost of round trips apart from the cost of our app's own code.
 *
 * Run as its own process (like our app): `node --import tsx scripts/bench/referenceServer.ts`, with
 * REF_PORT, REF_DATABASE_URL, REF_SECRET and REF_POOL_SIZE in the environment. The tables are created
 * by the bench (benchDatabase.ts) before this starts.
 */
import express from 'express';
import { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { parseDatabaseUrl } from '../../src/db/databaseUrl';
import { createMysqlPool, mysqlErrno, MysqlErrno } from '../../src/db/mysqlPool';
import { isWithinWindow, verifySign } from '../../src/domain/signing';
import { REFERENCE_APP_SHAPED_PATH, REFERENCE_PATH } from './benchDatabase';

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

async function main(): Promise<void> {
  const port = Number(requiredEnv('REF_PORT'));
  const secret = requiredEnv('REF_SECRET');
  const poolSize = Number(process.env.REF_POOL_SIZE ?? '20');
  const pool = createMysqlPool(parseDatabaseUrl(requiredEnv('REF_DATABASE_URL')), poolSize);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.json({ limit: 64 * 1024, strict: true }));

  app.get('/health', async (_req, res) => {
    await pool.query('SELECT 1');
    res.json({ status: 'ok' });
  });

  interface Withdrawal {
    agentID: string;
    walletID: number;
    transactionID: string;
    minor: number;
  }

  /** Envelope and fields; answers and returns null when the request is refused. */
  const checkRequest = (req: express.Request, res: express.Response): Withdrawal | null => {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      res.status(400).json({ code: 2, message: 'body must be a JSON object' });
      return null;
    }
    const fields = body as Record<string, unknown>;
    if (!verifySign(secret, fields)) {
      res.json({ code: 3, message: 'invalid signature' });
      return null;
    }
    if (typeof fields.timestamp !== 'number' || !isWithinWindow(fields.timestamp, Date.now(), 30)) {
      res.json({ code: 4, message: 'timestamp outside the window' });
      return null;
    }
    const { agentID, walletID, transactionID, amount } = fields;
    if (
      typeof agentID !== 'string' ||
      typeof transactionID !== 'string' ||
      typeof walletID !== 'number' ||
      typeof amount !== 'number'
    ) {
      res.json({ code: 2, message: 'invalid parameters' });
      return null;
    }
    return { agentID, walletID, transactionID, minor: Math.round(amount * 100) };
  };

  /** After a rolled-back transaction: 11 for the ledger's unique key, 500 for anything else. */
  const answerFailure = (res: express.Response, error: unknown): void => {
    if (mysqlErrno(error) === MysqlErrno.DUPLICATE_ENTRY) {
      res.json({ code: 11, message: 'duplicate transaction' });
      return;
    }
    process.stderr.write(`reference request failed: ${error instanceof Error ? error.message : String(error)}\n`);
    res.status(500).json({ code: 1, message: 'internal error' });
  };

  app.post(REFERENCE_PATH, async (req, res) => {
    const request = checkRequest(req, res);
    if (!request) return;
    const { agentID, walletID, transactionID, minor } = request;

    const connection = await pool.getConnection();
    try {
      await connection.query('START TRANSACTION');
      await connection.query(
        'INSERT INTO bench_ref_ledger (operator, transaction_id, wallet_id, amount_minor, created_at) VALUES (?, ?, ?, ?, ?)',
        [agentID, transactionID, walletID, minor, new Date()],
      );
      const [update] = await connection.query<ResultSetHeader>(
        'UPDATE bench_ref_wallets SET balance_minor = balance_minor - ? WHERE id = ? AND balance_minor >= ?',
        [minor, walletID, minor],
      );
      if (update.affectedRows !== 1) {
        await connection.query('ROLLBACK');
        res.json({ code: 7, message: 'insufficient funds' });
        return;
      }
      await connection.query('COMMIT');
      res.json({ code: 0, message: 'OK' });
    } catch (error) {
      await connection.query('ROLLBACK').catch(() => undefined);
      answerFailure(res, error);
    } finally {
      connection.release();
    }
  });

  app.post(REFERENCE_APP_SHAPED_PATH, async (req, res) => {
    const request = checkRequest(req, res);
    if (!request) return;
    const { agentID, walletID, transactionID, minor } = request;
    // Stand-ins for our app's caller look-up and idempotency pre-check, each on its own pool acquisition.
    await pool.query('SELECT id, balance_minor FROM bench_ref_wallets WHERE id = ?', [walletID]);
    const [seen] = await pool.query<RowDataPacket[]>(
      'SELECT id FROM bench_ref_ledger WHERE operator = ? AND transaction_id = ?',
      [agentID, transactionID],
    );
    if (seen.length) {
      res.json({ code: 11, message: 'duplicate transaction' });
      return;
    }
    const connection = await pool.getConnection();
    try {
      await connection.query('START TRANSACTION');
      const [locked] = await connection.query<RowDataPacket[]>(
        'SELECT balance_minor FROM bench_ref_wallets WHERE id = ? FOR UPDATE',
        [walletID],
      );
      const balance = Number(locked[0]?.balance_minor ?? 0);
      if (balance < minor) {
        await connection.query('ROLLBACK');
        res.json({ code: 7, message: 'insufficient funds' });
        return;
      }
      await connection.query('UPDATE bench_ref_wallets SET balance_minor = ? WHERE id = ? AND balance_minor = ?', [
        balance - minor,
        walletID,
        balance,
      ]);
      await connection.query(
        'INSERT INTO bench_ref_ledger (operator, transaction_id, wallet_id, amount_minor, created_at) VALUES (?, ?, ?, ?, ?)',
        [agentID, transactionID, walletID, minor, new Date()],
      );
      await connection.query('COMMIT');
      res.json({ code: 0, message: 'OK', balance: (balance - minor) / 100 });
    } catch (error) {
      await connection.query('ROLLBACK').catch(() => undefined);
      answerFailure(res, error);
    } finally {
      connection.release();
    }
  });

  const server = app.listen(port, '127.0.0.1', (error?: Error) => {
    if (error) {
      process.stderr.write(`reference server could not listen: ${error.message}\n`);
      process.exit(1);
    }
  });
  server.keepAliveTimeout = 65_000;

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      server.closeAllConnections();
      server.close(() => {
        pool.end().finally(() => process.exit(0));
      });
    });
  }
}

main().catch((error) => {
  process.stderr.write(
    `reference server failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
