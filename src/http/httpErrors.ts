/** The non-200 answers: 404 unknown path, 400/413 bodies, 5xx our faults (PROTOCOL §2). */
import { ErrorRequestHandler, RequestHandler } from 'express';
import { Logger } from 'pino';
import { DatabaseBusyError } from '../app/databaseBusy';
import { RefusalError, ResultCode } from '../domain/resultCodes';
import { sendAnswer } from './respond';

export const unknownPath: RequestHandler = (req, res) => {
  res.status(404).json({ code: ResultCode.INVALID_PARAMETERS, message: `no such endpoint: ${req.method} ${req.path}` });
};

/** An http-errors 4xx (body-parser, raw-body, Express's own request parsing): the client's fault, never a 5xx. */
function isClientFault(error: unknown): boolean {
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') {
      res.status(413).json({ code: ResultCode.INVALID_PARAMETERS, message: 'the body is larger than 64 KiB' });
      return;
    }
    if (type === 'entity.parse.failed' || type === 'charset.unsupported') {
      res.status(400).json({
        code: ResultCode.INVALID_PARAMETERS,
        message: 'the body must be a JSON object sent as application/json',
      });
      return;
    }
    if (type === 'encoding.unsupported' || isClientFault(error)) {
      // An unknown Content-Encoding (body-parser says 415) or a body that does not decode (a truncated
      // gzip stream: zlib's error with status 400 and no type). §2 makes both HTTP 400.
      res
        .status(400)
        .json({ code: ResultCode.INVALID_PARAMETERS, message: 'the body could not be decoded (Content-Encoding)' });
      return;
    }
    if (error instanceof RefusalError) {
      sendAnswer(res, { code: error.code, message: error.message, ...error.extra });
      return;
    }
    // The request's own logger (requestObservability), so the line carries its reqId.
    const log = (res.locals.log as Logger | undefined) ?? logger;
    if (error instanceof DatabaseBusyError) {
      // Contention or a failing node, not a bug: nothing was applied and a retry may well pass.
      log.warn({ err: error.message, method: req.method, path: req.path }, 'database busy');
      if (res.headersSent) return;
      res.status(503).set('Retry-After', '1').json({
        code: ResultCode.INTERNAL_ERROR,
        message: `database busy, nothing was applied; retry with the same ids`,
      });
      return;
    }
    log.error({ err: error, method: req.method, path: req.path }, 'request failed');
    if (res.headersSent) return;
    res.status(500).json({ code: ResultCode.INTERNAL_ERROR, message: 'internal error; retry with the same ids' });
  };
}
