import type {
  HttpAuthService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { createAnthropicRouter } from './routes/anthropic';
import { addMcpRoutes } from './routes/mcp';
import { createOpenAiRouter } from './routes/openai';
import { addV1Routes } from './routes/v1';
import type { Gateway } from './services/Gateway';

export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  gateway: Gateway;
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
  // The compat APIs parse their own bodies, so that even a 413 or bad JSON
  // comes back in the error shape their clients read.
  router.use('/anthropic', createAnthropicRouter(options));
  router.use('/openai', createOpenAiRouter(options));
  router.use(express.json({ limit: options.maxBodyBytes }));
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  addV1Routes(router, options);
  addMcpRoutes(router, options);
  return router;
}
