import type {
  HttpAuthService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { TracingService } from '@backstage/backend-plugin-api/alpha';
import express from 'express';
import Router from 'express-promise-router';
import { createAnthropicRouter } from './routes/anthropic';
import { addAuditRoutes } from './routes/audit';
import { explainBodyErrors } from './routes/bodyErrors';
import { databaseUnavailableErrors } from '@pilothouse/backend-errors';
import { addInspectRoutes } from './routes/inspect';
import { addMcpRoutes } from './routes/mcp';
import { createOpenAiRouter } from './routes/openai';
import { addPolicyRoutes } from './routes/policies';
import { addQuotaRoutes, quotaRetryAfter } from './routes/quotas';
import { addV1Routes } from './routes/v1';
import type { Gateway } from './services/Gateway';
import type { GatewayParts } from './services/parts';

export interface RouterOptions {
  logger: LoggerService;
  /** Continues callers' traces; none in tests that do not look. */
  tracing?: TracingService;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  gateway: Gateway;
  parts: GatewayParts;
  /** Larger bodies are refused with 413. */
  maxBodyBytes: number;
}

/**
 * `/api/llm-gateway`: the `/v1` API (inspect, complete, tools, policies,
 * audit, quotas), the Anthropic- and OpenAI-compatible endpoints, and the
 * aggregated MCP endpoint. Each area lives in its own `routes/*.ts`.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const router = Router();
  // Each request continues its caller's trace (the traceparent the portal's
  // own services, or an outside client, send), also where no HTTP
  // instrumentation did it first.
  const { tracing } = options;
  if (tracing) {
    router.use((req, _res, next) => {
      void tracing.context.with(
        tracing.propagation.extract(tracing.context.active(), req.headers),
        () => next(),
      );
    });
  }
  // The compat APIs parse their own bodies, so that even a 413 or bad JSON
  // comes back in the error shape their clients read.
  router.use('/anthropic', createAnthropicRouter(options));
  router.use('/openai', createOpenAiRouter(options));
  router.use(express.json({ limit: options.maxBodyBytes }));
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const { logger, httpAuth, userInfo, permissions, parts } = options;
  // Inspection (and the playground's asUser), detectors and DLP rules.
  addInspectRoutes(router, {
    logger,
    httpAuth,
    userInfo,
    permissions,
    inspector: parts.inspector,
    entityResolver: parts.entityResolver,
    policyEngine: parts.policyEngine,
    auditLog: parts.auditLog,
  });
  if (parts.policy) {
    addPolicyRoutes(router, {
      ...parts.policy,
      logger,
      httpAuth,
      permissions,
      audit: parts.auditLog,
    });
  }
  addAuditRoutes(router, {
    auditLog: parts.auditLog,
    httpAuth,
    userInfo,
    permissions,
  });
  addQuotaRoutes(router, { quotas: parts.quotas, httpAuth, permissions });
  addV1Routes(router, options);
  addMcpRoutes(router, options);
  router.use(explainBodyErrors());
  router.use(databaseUnavailableErrors({ logger }));
  // Last: quota refusals from any route above get their Retry-After.
  router.use(quotaRetryAfter);
  return router;
}
