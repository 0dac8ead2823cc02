import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  llmGatewayAdminPermission,
  llmGatewayReadPermission,
  type QuotasResponse,
  type UsageReportResponse,
} from '@pilothouse/plugin-llm-gateway-common';
import type express from 'express';
import { z } from 'zod';
import { QuotaExceededError } from '../services/Quotas/QuotaExceededError';
import type { Quotas } from '../services/types';
import { requirePermission } from './caller';

export interface QuotaRoutesOptions {
  quotas: Quotas;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day YYYY-MM-DD');

const usageQuerySchema = z
  .object({
    scope: z.enum(['user', 'team', 'service', 'entity']).optional(),
    subject: z.string().min(1).optional(),
    from: day.optional(),
    to: day.optional(),
  })
  .strict();

/**
 * `/v1/quotas` (current counts against limits) and `/v1/usage` (tokens and
 * cost per day, user, team and entity): for the read or admin permission.
 */
export function addQuotaRoutes(
  router: express.Router,
  options: QuotaRoutesOptions,
): void {
  const { quotas, httpAuth, permissions } = options;

  async function authorize(req: express.Request) {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    await requirePermission(
      permissions,
      credentials,
      llmGatewayReadPermission,
      llmGatewayAdminPermission,
    );
  }

  router.get('/v1/quotas', async (req, res) => {
    await authorize(req);
    const body: QuotasResponse = { quotas: await quotas.usage() };
    res.json(body);
  });

  router.get('/v1/usage', async (req, res) => {
    const parsed = usageQuerySchema.safeParse(req.query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
      throw new InputError(`Invalid query: ${where}${issue.message}`);
    }
    await authorize(req);
    const body: UsageReportResponse = {
      rows: await quotas.usageReport(parsed.data),
    };
    res.json(body);
  });
}

/**
 * Adds `Retry-After` to a quota refusal from any route, then leaves the
 * answer (429 with the error's message) to Backstage's error handler.
 * Register after the routes.
 */
export const quotaRetryAfter: express.ErrorRequestHandler = (
  error,
  _req,
  res,
  next,
) => {
  setRetryAfter(res, error);
  next(error);
};

/** `Retry-After` for a quota refusal, for routes that answer errors themselves. */
export function setRetryAfter(res: express.Response, error: unknown): void {
  if (error instanceof QuotaExceededError && !res.headersSent) {
    res.setHeader('Retry-After', String(error.retryAfterSeconds));
  }
}
