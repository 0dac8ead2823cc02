import type {
  HttpAuthService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { addAuditRoutes } from './routes/audit';
import { explainBodyErrors } from './routes/bodyErrors';
import { addInspectRoutes } from './routes/inspect';
import { addPolicyRoutes } from './routes/policies';
import { addQuotaRoutes, quotaRetryAfter } from './routes/quotas';
import type { PolicyParts } from './services/Policy';
import type { AuditLog, Inspector, Quotas } from './services/types';

export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  policy: PolicyParts;
  inspector: Inspector;
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
  const { logger, httpAuth, userInfo, permissions, policy, auditLog, quotas } =
    options;
  const router = Router();
  router.use(express.json({ limit: '1mb' }));
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  addPolicyRoutes(router, {
    ...policy,
    logger,
    httpAuth,
    permissions,
    audit: auditLog,
  });
  addInspectRoutes(router, {
    ...options,
    entityResolver: policy.entities,
    policyEngine: policy.engine,
  });
  addAuditRoutes(router, { auditLog, httpAuth, userInfo, permissions });
  addQuotaRoutes(router, { quotas, httpAuth, permissions });
  router.use(explainBodyErrors());
  // Last: quota refusals from any route above get their Retry-After.
  router.use(quotaRetryAfter);
  return router;
}
