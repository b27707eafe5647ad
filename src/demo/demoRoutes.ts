/**
 * The demo world's HTTP side, served whenever NODE_ENV is not production (development and test, and any
 * non-production deployment integrators try things on):
 * - `POST /sandbox/wallet/{Balance,Withdraw,Deposit,Rollback}`: the sandbox operator wallet (§6.1);
 * - `GET /demo-studio/play` and `POST /demo-studio/api/...`: the demo studio's game page and server side.
 */
import { Router } from 'express';
import { Pool } from 'mysql2/promise';
import { Logger } from 'pino';
import { Config } from '../config';
import { ResultCode } from '../domain/resultCodes';
import { demoStudioRoutes } from './demoStudio';
import { SANDBOX_PATHS, SandboxWallet } from './sandboxWallet';

export function demoRoutes(deps: { config: Config; pool: Pool; logger: Logger }): Router {
  const router = Router();
  if (deps.config.nodeEnv === 'production') return router;

  const sandbox = new SandboxWallet(deps.pool, deps.config.signWindowS);
  router.post('/sandbox/wallet/:call', async (req, res, next) => {
    const call = Object.prototype.hasOwnProperty.call(SANDBOX_PATHS, req.params.call)
      ? SANDBOX_PATHS[req.params.call]
      : undefined;
    if (!call) {
      next(); // 404: only the four §6.1 paths exist
      return;
    }
    const answer = await sandbox.handle(call, req.body);
    if (
      answer.code !== ResultCode.OK &&
      answer.code !== ResultCode.DUPLICATE_TRANSACTION &&
      answer.code !== ResultCode.INSUFFICIENT_FUNDS
    ) {
      deps.logger.info(
        {
          call,
          agentID: (req.body as { agentID?: unknown } | undefined)?.agentID,
          code: answer.code,
          reason: answer.message,
        },
        'sandbox wallet refused a callback',
      );
    }
    res.status(200).json(answer);
  });

  router.use(demoStudioRoutes({ pool: deps.pool, logger: deps.logger }));
  return router;
}
