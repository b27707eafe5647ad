/**
 * The envelope checks of every platform and provider call, in the order PROTOCOL §2 gives: body is a
 * JSON object (400), caller known and enabled, and calling from an address of its IP allow-list when it
 * has one (5), `sign` (3), `timestamp` (4). Field validation (2) follows in the route. A request refused
 * here has touched nothing but a read of the caller.
 */
import { NextFunction, Request, RequestHandler, Response } from 'express';
import { isExternalId } from '../domain/externalIds';
import { ResultCode } from '../domain/resultCodes';
import { isWithinWindow, verifySign } from '../domain/signing';
import { Credentialed } from '../app/callers';
import { displayAddress, isAllowedAddress } from '../app/ipAllowList';
import { sendAnswer } from './respond';

export interface EnvelopeOptions<C> {
  /** The body field naming the caller: `agentID` or `providerID`. */
  readonly callerField: 'agentID' | 'providerID';
  readonly lookup: (id: string) => Promise<Credentialed<C> | null>;
  readonly signWindowS: number;
  readonly now?: () => number;
}

export function isJsonObject(body: unknown): body is Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}

/** The current secret, or the one before the last rotation until its overlap ends (PROTOCOL §10). */
function verifiesWithSecret(found: Credentialed<unknown>, body: Record<string, unknown>, nowMs: number): boolean {
  if (verifySign(found.secretKey, body)) return true;
  const previous = found.previousSecret;
  return previous !== null && nowMs < previous.expiresAtMs && verifySign(previous.secretKey, body);
}

export function signedEnvelope<C>(options: EnvelopeOptions<C>): RequestHandler {
  const now = options.now ?? Date.now;
  return async (req: Request, res: Response, next: NextFunction) => {
    const body: unknown = req.body;
    // body-parser turns an empty body (Content-Length: 0) into {}; an empty body is not a JSON object.
    if (!isJsonObject(body) || req.get('content-length') === '0') {
      res.status(400).json({
        code: ResultCode.INVALID_PARAMETERS,
        message: 'the body must be a JSON object sent as application/json',
      });
      return;
    }
    const callerId = body[options.callerField];
    // An id outside the §2 grammar names nobody: answered 5 without a read (and never cached).
    const found = isExternalId(callerId) ? await options.lookup(callerId) : null;
    if (!found || !found.enabled) {
      sendAnswer(res, {
        code: ResultCode.CALLER_NOT_ALLOWED,
        message: found ? `${options.callerField} ${callerId} is disabled` : `unknown ${options.callerField}`,
      });
      return;
    }
    // The client address as Express resolves it: behind a proxy, TRUST_PROXY decides which hop counts.
    if (found.allowedIps && !isAllowedAddress(found.allowedIps, req.ip)) {
      sendAnswer(res, {
        code: ResultCode.CALLER_NOT_ALLOWED,
        message: `${options.callerField} ${callerId} does not accept requests from ${displayAddress(req.ip)} (IP allow-list)`,
      });
      return;
    }
    if (!verifiesWithSecret(found, body, now())) {
      sendAnswer(res, { code: ResultCode.INVALID_SIGNATURE, message: 'sign does not match the body' });
      return;
    }
    const timestamp = body.timestamp;
    if (
      typeof timestamp !== 'number' ||
      !Number.isInteger(timestamp) ||
      !isWithinWindow(timestamp, now(), options.signWindowS)
    ) {
      sendAnswer(res, {
        code: ResultCode.TIMESTAMP_OUTSIDE_WINDOW,
        message: `timestamp must be Unix seconds within ${options.signWindowS}s of our clock (${Math.floor(now() / 1000)})`,
      });
      return;
    }
    res.locals.caller = found.caller;
    next();
  };
}
