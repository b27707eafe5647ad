/**
 * The go-live endpoints (PROTOCOL §4 `/v1/account`, §11) for the API catalogue (apiCatalogue.ts spreads
 * them into API_CATALOGUE). Request schemas are the routes' own zod objects.
 */
import { z } from 'zod';
import { ResultCode } from '../../domain/resultCodes';
import { accountRequest } from '../golive/accountRoutes';
import { applyRequest } from '../golive/applyRoutes';
import {
  applicationApproveRequest,
  applicationRejectRequest,
  applicationsListRequest,
  billingRunRequest,
  creditAdjustRequest,
  creditHistoryRequest,
  creditTopupRequest,
  goLiveRequest,
} from '../golive/goLiveRoutes';

const R = ResultCode;
const SIGNED = [
  R.OK,
  R.INTERNAL_ERROR,
  R.INVALID_PARAMETERS,
  R.INVALID_SIGNATURE,
  R.TIMESTAMP_OUTSIDE_WINDOW,
  R.CALLER_NOT_ALLOWED,
];
const ADMIN = [R.OK, R.INTERNAL_ERROR, R.INVALID_PARAMETERS, R.CALLER_NOT_ALLOWED];
const body = (shape: z.ZodRawShape, description: string) =>
  z.object({ code: z.number().int(), message: z.string(), ...shape }).describe(description);
const creditEntry = z.object({
  id: z.string(),
  kind: z.enum(['topup', 'adjustment', 'fee']),
  amount: z.number().describe('Signed, base-currency major units.'),
  balanceAfter: z.number(),
  reference: z.string().nullable(),
  reason: z.string().nullable(),
  day: z.string().nullable().describe('Fee entries: the UTC day billed.'),
  createdAt: z.string(),
});
const creditAnswer = body(
  { entry: creditEntry, credit: z.number(), baseCurrency: z.string() },
  'The entry (the original one with code 11 for a repeat) and the credit after it. Same reference, other content: HTTP 409 code 13.',
);
const fee = z.object({
  agentID: z.string(),
  day: z.string(),
  ggr: z.number(),
  feePercent: z.number(),
  fee: z.number(),
});
const application = z.object({
  applicationID: z.string(),
  company: z.string(),
  contactEmail: z.string(),
  website: z.string().nullable(),
  walletMode: z.enum(['transfer', 'seamless']),
  currencies: z.array(z.string()),
  peakPerSecond: z.number().nullable(),
  clientAddress: z.string(),
  status: z.enum(['pending', 'approved', 'rejected']),
  agentID: z.string().nullable(),
  reason: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  createdAt: z.string(),
});

const admin = (
  path: string,
  methods: ('get' | 'post')[],
  operationId: string,
  summary: string,
  description: string,
  roles: ('admin' | 'support' | 'finance')[],
  request: z.ZodObject,
  schema: z.ZodType,
  more: ResultCode[] = [],
) => ({
  path,
  methods,
  tag: 'admin' as const,
  operationId,
  summary,
  description,
  auth: 'staffBearer' as const,
  roles,
  request,
  resultCodes: [...ADMIN, ...more].sort((a, b) => a - b),
  response: { description: summary, schema },
});

export const GO_LIVE_ENDPOINTS = [
  {
    path: '/v1/account',
    methods: ['post' as const],
    tag: 'platform' as const,
    operationId: 'account',
    summary: "The operator's own standing",
    description:
      'Status (sandbox/live), mode, currencies, base currency, prepaid credit, credit limit, fee share, and in seamless mode the circuit breaker state of its wallet (null in transfer mode).',
    auth: 'operatorHmac' as const,
    request: accountRequest,
    resultCodes: SIGNED,
    response: {
      description: 'The account.',
      schema: body(
        {
          agentID: z.string(),
          status: z.enum(['sandbox', 'live']),
          mode: z.enum(['transfer', 'seamless']),
          currencies: z.array(z.string()),
          baseCurrency: z.string(),
          credit: z.number(),
          creditLimit: z.number(),
          feePercent: z.number(),
          wallet: z.object({ state: z.enum(['closed', 'open', 'half-open']) }).nullable(),
        },
        'The account.',
      ),
    },
  },
  {
    path: '/v1/onboarding/apply',
    methods: ['post' as const],
    tag: 'platform' as const,
    operationId: 'applyForAccess',
    summary: 'Request operator access',
    description:
      'No credentials: the form of GET /apply. At most 10 an hour per client address across every process; past that HTTP 429 with Retry-After.',
    auth: 'none' as const,
    request: applyRequest,
    resultCodes: [R.OK, R.INTERNAL_ERROR, R.INVALID_PARAMETERS],
    response: { description: 'The application id.', schema: body({ applicationID: z.string() }, 'Received.') },
  },
  {
    path: '/apply',
    methods: ['get' as const],
    tag: 'system' as const,
    operationId: 'applyPage',
    summary: 'The "request operator access" page',
    description: 'A public form that posts to /v1/onboarding/apply.',
    auth: 'none' as const,
    resultCodes: [],
    response: { description: 'The page.', contentType: 'text/html' as const },
  },
  {
    path: '/apply/apply.js',
    methods: ['get' as const],
    tag: 'system' as const,
    operationId: 'applyPageScript',
    summary: "The application page's script",
    description: 'Served by us so the page runs under a script-src self policy.',
    auth: 'none' as const,
    resultCodes: [],
    response: { description: 'JavaScript.', contentType: 'text/plain' as const },
  },
  admin(
    '/admin/v1/operators/go-live',
    ['post'],
    'goLive',
    'Make an operator live',
    'Live, or HTTP 409 code 12 with `unmet[]` and a message naming every condition not met: a seamless operator needs a passed certification run of its current callbackUrl and scheme finished within 30 days; every operator needs a credit above zero.',
    ['admin'],
    goLiveRequest,
    body({ operator: z.object({}).passthrough(), unmet: z.array(z.string()) }, 'The operator, now live.'),
    [R.WRONG_WALLET_MODE],
  ),
  admin(
    '/admin/v1/credit/topup',
    ['post'],
    'creditTopup',
    'Top up prepaid credit',
    'Adds `amount` (base major units, > 0); idempotent on (agentID, reference): 11 for a repeat, 13 for other content.',
    ['admin', 'finance'],
    creditTopupRequest,
    creditAnswer,
    [R.DUPLICATE_TRANSACTION, R.TRANSACTION_CONFLICT],
  ),
  admin(
    '/admin/v1/credit/adjust',
    ['post'],
    'creditAdjust',
    'Correct prepaid credit',
    'A signed, non-zero `amount` with a reason; idempotent like credit/topup (the two share the references).',
    ['admin', 'finance'],
    creditAdjustRequest,
    creditAnswer,
    [R.DUPLICATE_TRANSACTION, R.TRANSACTION_CONFLICT],
  ),
  admin(
    '/admin/v1/credit/history',
    ['get', 'post'],
    'creditHistory',
    'Prepaid credit history',
    'Entries oldest first (top-ups, adjustments, fees), 100 a page, and the credit now.',
    ['admin', 'support', 'finance'],
    creditHistoryRequest,
    body(
      {
        baseCurrency: z.string(),
        credit: z.number(),
        entries: z.array(creditEntry),
        nextCursor: z.string().nullable(),
      },
      'The entries.',
    ),
  ),
  admin(
    '/admin/v1/billing/run',
    ['post'],
    'billingRun',
    'Bill one ended day',
    'Bills every operator live that day once (the entries made, or the ones already made); a day not yet ended is HTTP 409 code 2. With dryRun, bills nothing and answers the figures for any day. Days with play in another currency than the base one are listed in refused[] and not billed.',
    ['admin', 'finance'],
    billingRunRequest,
    body(
      {
        dryRun: z.boolean(),
        fees: z.array(fee),
        refused: z.array(z.object({ agentID: z.string(), day: z.string(), reason: z.string() })),
      },
      'The fees.',
    ),
  ),
  admin(
    '/admin/v1/applications/list',
    ['get', 'post'],
    'listApplications',
    'List applications',
    'Newest first, 100 a page.',
    ['admin', 'support'],
    applicationsListRequest,
    body({ applications: z.array(application), nextCursor: z.string().nullable() }, 'The applications.'),
  ),
  admin(
    '/admin/v1/applications/approve',
    ['post'],
    'approveApplication',
    'Approve an application',
    'Creates the operator in the sandbox and answers its secretKey and saltKey once; an application is decided once (HTTP 409 code 2 after).',
    ['admin'],
    applicationApproveRequest,
    body(
      {
        application,
        agentID: z.string(),
        secretKey: z.string(),
        saltKey: z.string(),
        operator: z.object({}).passthrough(),
      },
      'The operator created.',
    ),
  ),
  admin(
    '/admin/v1/applications/reject',
    ['post'],
    'rejectApplication',
    'Reject an application',
    'Records the reason; decided once (HTTP 409 code 2 after).',
    ['admin'],
    applicationRejectRequest,
    body({ application }, 'The application.'),
  ),
];
