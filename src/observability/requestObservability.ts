/** Request ids, access logs and request metrics (being written). */
import { RequestHandler } from 'express';
import { Logger } from 'pino';

export function requestObservability(_logger: Logger): RequestHandler {
  return (_req, _res, next) => next();
}
