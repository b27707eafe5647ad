/**
 * Request ids, access logs and request metrics, for every request.
 *
 * - The request id is the caller's X-Request-Id when it is sane (1 to 128 characters of
 *   `[A-Za-z0-9._:+=@/-]`, so it cannot inject into logs or headers), otherwise a random UUID; it is
 *   echoed in the X-Request-Id response header.
 * - `res.locals.log` is a child logger carrying `reqId`; the error handler logs through it.
 * - One access line per request when it ends (method, route, path, status, code, ms), at info: routine
 *   traffic stays visible with the default LOG_LEVEL=info and LOG_LEVEL=warn silences it (benchmarks).
 *   Failures are logged at error by the error handler, with the same reqId. Bodies and headers are
 *   never logged here (they carry signatures, tokens and the Authorization header).
 * - The answer's `code` is captured by wrapping res.json; the route is the Express route pattern
 *   (`baseUrl + route.path`), never the raw URL: `<mount path>/*` for files served by a mounted static
 *   middleware, and "unmatched" when nothing took the request (unknown paths, and bodies refused
 *   before routing: 400/413).
 *
 * Written by hand rather than with pino-http: we need the route pattern and the answer code anyway
 * (for the metrics), and pino-http's default request serializer logs every header, Authorization
 * included, which we would then have to take apart again.
 */
import { randomUUID } from 'node:crypto';
import { Request, RequestHandler, Response } from 'express';
import { Logger } from 'pino';
import { Metrics } from './metrics';

export const REQUEST_ID_HEADER = 'X-Request-Id';
const SANE_REQUEST_ID = /^[A-Za-z0-9._:+=@/-]{1,128}$/;
/** nginx's status for a request whose client closed the connection before the answer was sent. */
const CLIENT_CLOSED = 499;

export function requestIdFrom(header: string | undefined): string {
  return header !== undefined && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}

/** The pattern that answered: a route's path, a mounted middleware's mount path (static files), or "unmatched". */
function routeOf(req: Request): string {
  const path: unknown = req.route?.path;
  if (typeof path === 'string') return req.baseUrl + path;
  if (Array.isArray(path)) return req.baseUrl + path.join('|');
  if (path !== undefined) return req.baseUrl + String(path);
  return req.baseUrl ? `${req.baseUrl}/*` : 'unmatched';
}

export function requestObservability(logger: Logger, metrics?: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const reqId = requestIdFrom(req.get(REQUEST_ID_HEADER));
    res.setHeader(REQUEST_ID_HEADER, reqId);
    const log = logger.child({ reqId });
    res.locals.log = log;

    let code: number | undefined;
    let answeredRoute: string | undefined;
    const json = res.json;
    res.json = function answer(this: Response, body?: unknown) {
      if (answeredRoute === undefined) {
        answeredRoute = routeOf(req);
        const answered = (body as { code?: unknown } | null | undefined)?.code;
        if (typeof answered === 'number') {
          code = answered;
          metrics?.observeAnswer(answeredRoute, answered);
        }
      }
      return json.call(this, body);
    };

    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = answeredRoute ?? routeOf(req);
      const status = res.writableFinished ? res.statusCode : CLIENT_CLOSED;
      const codeLabel = code === undefined ? 'none' : String(code);
      metrics?.observeRequest({ method: req.method, route, status, code: codeLabel, seconds });
      if (log.isLevelEnabled('info')) {
        log.info(
          {
            method: req.method,
            route,
            path: req.originalUrl.split('?')[0],
            status,
            code,
            ms: Math.round(seconds * 1e5) / 100,
          },
          'request',
        );
      }
    });
    next();
  };
}
