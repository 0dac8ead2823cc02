import type {
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type {
  AgentListResponse,
  AgentSummary,
} from '@pilothouse/plugin-agentops-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { renderAgentManifests, toYamlStream } from './render/manifests';
import type { IsolationOptions } from './render/options';
import { RenderRefusedError } from './render/permissions';
import type { AgentEntities } from './services/AgentEntities/AgentEntities';
import type { IsolationChecker } from './services/Isolation/IsolationChecker';

export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  entities: AgentEntities;
  checker: IsolationChecker;
  options: IsolationOptions;
}

// Entity names and namespaces as @backstage/catalog-model allows them.
const entityPart = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-zA-Z0-9]([-_.a-zA-Z0-9]*[a-zA-Z0-9])?$/);
const paramsSchema = z.object({ namespace: entityPart, name: entityPart });

function agentRefOf(req: Request) {
  const parsed = paramsSchema.safeParse(req.params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `Invalid agent reference: ${issue.path.join('.')}: ${issue.message}`,
    );
  }
  return { kind: 'agent', ...parsed.data };
}

/** `/api/agents`: rendered manifests and isolation drift per Agent entity. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, entities, checker } = options;
  const router = Router();

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/v1/agents', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const agents = await entities.listAgents(credentials);
    const servers = await entities.serversFor(agents, credentials);
    const items: AgentSummary[] = await Promise.all(
      agents.map(async agent => ({
        entityRef: stringifyEntityRef(agent),
        name: agent.metadata.name,
        title: agent.metadata.title,
        owner: agent.spec.owner,
        agentNamespace: agent.spec.namespace,
        isolation: await checker.check(agent, servers),
      })),
    );
    items.sort((a, b) => a.entityRef.localeCompare(b.entityRef));
    const body: AgentListResponse = { items };
    res.json(body);
  });

  router.get('/v1/agents/:namespace/:name/manifests', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const agent = await entities.getAgent(agentRefOf(req), credentials);
    const servers = await entities.serversFor([agent], credentials);
    let rendered;
    try {
      rendered = renderAgentManifests(agent, servers, options.options);
    } catch (error) {
      if (error instanceof RenderRefusedError) {
        throw new InputError(error.message);
      }
      throw error;
    }
    if (req.query.download === '1' || req.query.download === 'true') {
      res.attachment(`${rendered.name}-manifests.yaml`);
    }
    res.type('application/yaml').send(toYamlStream(rendered));
  });

  router.get('/v1/agents/:namespace/:name/isolation', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const agent = await entities.getAgent(agentRefOf(req), credentials);
    const servers = await entities.serversFor([agent], credentials);
    res.json(await checker.check(agent, servers));
  });

  return router;
}
