/**
 * Applying for operator access (PROTOCOL §11): the public page `GET /apply` and the form's
 * `POST /v1/onboarding/apply`, which needs no credentials and is limited per client address across
 * every process (rate-limiter-flexible over Redis: past APPLY_LIMIT_PER_HOUR an hour, HTTP 429 with
 * Retry-After). The page is a form and a small script served by us, under the back office's CSP.
 */
import { RequestHandler, Router } from 'express';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { z } from 'zod';
import { ApplicationStore } from '../../app/onboarding/applications';
import { isKnownCurrency } from '../../domain/currencies';
import { ResultCode } from '../../domain/resultCodes';
import type { RedisClient } from '../../jobs/redisConnection';
import { parseFields } from '../fields';
import { sendAnswer } from '../respond';
import { APPLY_PAGE_HTML, APPLY_PAGE_SCRIPT } from './applyPage';

export const APPLY_LIMIT_PER_HOUR = 10;

export const applyRequest = z.object({
  company: z.string().trim().min(1, 'must not be empty').max(128),
  contactEmail: z
    .string()
    .max(254)
    .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an e-mail address'),
  website: z
    .string()
    .max(512)
    .regex(/^https?:\/\/\S+$/, 'must be an http(s) URL')
    .optional(),
  walletMode: z.enum(['transfer', 'seamless']),
  currencies: z
    .array(z.string().regex(/^[A-Z]{3}$/, 'must be ISO 4217 codes such as EUR'))
    .min(1, 'must name at least one currency')
    .max(100)
    .refine((codes) => codes.every(isKnownCurrency), { message: 'contains a currency we do not support' }),
  peakPerSecond: z.number().int('must be an integer').min(1).max(100_000).optional(),
});

const pageHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Content-Security-Policy':
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; " +
      "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  });
  next();
};

export function applyRoutes(deps: { store: ApplicationStore; redis: RedisClient; keyPrefix: string }): Router {
  const router = Router();
  const limiter = new RateLimiterRedis({
    storeClient: deps.redis,
    keyPrefix: `${deps.keyPrefix}:apply`,
    points: APPLY_LIMIT_PER_HOUR,
    duration: 3_600,
  });

  router.get('/apply', pageHeaders, (_req, res) => {
    res.type('html').send(APPLY_PAGE_HTML);
  });
  router.get('/apply/apply.js', pageHeaders, (_req, res) => {
    res.type('application/javascript').send(APPLY_PAGE_SCRIPT);
  });

  router.post('/v1/onboarding/apply', async (req, res) => {
    const address = req.ip ?? 'unknown';
    try {
      await limiter.consume(address);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      res.set('Retry-After', String(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000))));
      res.status(429).json({
        code: ResultCode.INVALID_PARAMETERS,
        message: `too many applications from this address: at most ${APPLY_LIMIT_PER_HOUR} an hour`,
      });
      return;
    }
    const fields = parseFields(applyRequest, req.body, res);
    if (!fields) return;
    const application = await deps.store.submit({
      company: fields.company,
      contactEmail: fields.contactEmail,
      website: fields.website ?? null,
      walletMode: fields.walletMode,
      currencies: fields.currencies,
      peakPerSecond: fields.peakPerSecond ?? null,
      clientAddress: address,
    });
    sendAnswer(res, { code: ResultCode.OK, applicationID: application.applicationID });
  });
  return router;
}
