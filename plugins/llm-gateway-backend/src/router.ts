import type {
  HttpAuthService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { explainBodyErrors } from './routes/bodyErrors';
import { addInspectRoutes } from './routes/inspect';
import type { Inspector } from './services/types';

export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  inspector: Inspector;
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
  router.use(express.json({ limit: '1mb' }));
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  addInspectRoutes(router, options);
  router.use(explainBodyErrors());
  return router;
}
