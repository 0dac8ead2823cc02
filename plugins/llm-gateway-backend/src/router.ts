import type {
  HttpAuthService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { addAuditRoutes } from './routes/audit';
import { addQuotaRoutes, quotaRetryAfter } from './routes/quotas';
import type { AuditLog, Quotas } from './services/types';

export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  auditLog: AuditLog;
  quotas: Quotas;
}

/**
 * `/api/llm-gateway`: the `/v1` API (inspect, complete, tools, policies,
 * audit, quotas), the Anthropic- and OpenAI-compatible endpoints, and the
 * aggregated MCP endpoint. Each area lives in its own `routes/*.ts`.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, userInfo, permissions, auditLog, quotas } = options;
  const router = Router();
  router.use(express.json({ limit: '1mb' }));
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  addAuditRoutes(router, { auditLog, httpAuth, userInfo, permissions });
  addQuotaRoutes(router, { quotas, httpAuth, permissions });
  // Last: quota refusals from any route above get their Retry-After.
  router.use(quotaRetryAfter);
  return router;
}
