import type {
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type {
  AgentEntity,
  AgentListResponse,
  AgentSummary,
} from '@pilothouse/plugin-agentops-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { renderAgentManifests, toYamlStream } from './render/manifests';
import type { IsolationOptions } from './render/options';
import { mcpServerRefOf, RenderRefusedError } from './render/permissions';
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

// An MCP server reference as the catalog writes them: [kind:][namespace/]name.
const mcpServerRef = z
  .string()
  .min(1)
  .refine(
    ref => {
      try {
        parseEntityRef(ref, { defaultKind: 'MCPServer' });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not an entity reference of the form [<kind>:][<namespace>/]<name>' },
  );

/** The fields rendering reads; the catalog's processor validates the rest on registration. */
const renderRequestSchema = z.object({
  entity: z.looseObject({
    apiVersion: z.literal('pilothouse.io/v1alpha1'),
    kind: z.literal('Agent'),
    metadata: z.looseObject({ name: entityPart, namespace: entityPart.optional() }),
    spec: z.looseObject({
      owner: z.string().min(1),
      namespace: z.string().min(1),
      mcpServers: z.array(
        z.looseObject({
          server: mcpServerRef,
          tools: z.array(z.string()).optional(),
        }),
      ),
    }),
  }),
});

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

  // An Agent that is not in the catalog yet (a template generating its
  // repository): the same manifests, from the entity in the body.
  router.post('/v1/render', express.json({ limit: '256kb' }), async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const parsed = renderRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(
        `Invalid render request: ${issue.path.join('.') || 'body'}: ${issue.message}`,
      );
    }
    const agent = parsed.data.entity as unknown as AgentEntity;
    const servers = await entities.serversFor([agent], credentials);
    const missing = (agent.spec.mcpServers ?? [])
      .map(use => mcpServerRefOf(agent, use.server))
      .filter(ref => !servers.has(ref));
    if (missing.length) {
      throw new InputError(
        `The agent uses MCP servers that are not in the catalog: ${missing.join(', ')}`,
      );
    }
    let rendered;
    try {
      rendered = renderAgentManifests(agent, servers, options.options);
    } catch (error) {
      if (error instanceof RenderRefusedError) {
        throw new InputError(error.message);
      }
      throw error;
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
