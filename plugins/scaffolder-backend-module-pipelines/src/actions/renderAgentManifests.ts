import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError, ResponseError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export const RENDER_AGENT_MANIFESTS_ID = 'pilothouse:renderAgentManifests';

/**
 * Renders the isolated Kubernetes manifests of the Agent entity a template
 * generated, with the agent catalog's renderer (the agents backend's
 * `POST /v1/render`), so a new agent's repository gets exactly what the
 * Agents page will show and check.
 */
export function createRenderAgentManifestsAction(options: {
  discovery: DiscoveryService;
  auth: AuthService;
}) {
  const { discovery, auth } = options;
  return createTemplateAction({
    id: RENDER_AGENT_MANIFESTS_ID,
    description:
      "Renders the Kubernetes objects that run an Agent isolated (its namespace with PodSecurity restricted, ServiceAccount, Roles holding exactly its tools' permissions, default-deny NetworkPolicy, quota, Deployment, Argo CD Application) from the Agent entity in the generated catalog-info.yaml, and writes them as a YAML stream.",
    supportsDryRun: true,
    examples: [
      {
        description: "Render a new agent's manifests into deploy/",
        example: `steps:
  - id: render-agent
    name: Render the agent's isolated manifests
    action: pilothouse:renderAgentManifests
    input:
      entityPath: catalog-info.yaml
      targetPath: deploy/agent.yaml`,
      },
    ],
    schema: {
      input: {
        entityPath: z =>
          z
            .string()
            .min(1)
            .optional()
            .describe(
              'File in the workspace holding the Agent entity (default: catalog-info.yaml)',
            ),
        targetPath: z =>
          z
            .string()
            .min(1)
            .optional()
            .describe(
              'Where to write the manifests, relative to the workspace (default: deploy/agent.yaml)',
            ),
      },
      output: {
        objects: z => z.number().describe('How many objects were rendered'),
        namespace: z => z.string().describe("The agent's namespace"),
      },
    },
    async handler(ctx) {
      const entityPath = ctx.input.entityPath ?? 'catalog-info.yaml';
      const source = resolveSafeChildPath(ctx.workspacePath, entityPath);
      const docs = parseAllDocuments(await fs.readFile(source, 'utf8')).map(
        d => d.toJS(),
      );
      const entity = docs.find(
        d => d?.kind === 'Agent' && d?.apiVersion === 'pilothouse.io/v1alpha1',
      );
      if (!entity) {
        throw new InputError(
          `${entityPath} has no Agent entity (apiVersion pilothouse.io/v1alpha1)`,
        );
      }
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await ctx.getInitiatorCredentials(),
        targetPluginId: 'agents',
      });
      const baseUrl = await discovery.getBaseUrl('agents');
      const res = await fetch(`${baseUrl}/v1/render`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
        },
        body: JSON.stringify({ entity }),
      });
      if (!res.ok) {
        const error = await ResponseError.fromResponse(res);
        throw new InputError(
          `The agents backend refused to render ${entity.metadata?.name}: ${error.body.error.message}`,
        );
      }
      const yaml = await res.text();
      const targetPath = ctx.input.targetPath ?? 'deploy/agent.yaml';
      const target = resolveSafeChildPath(ctx.workspacePath, targetPath);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.writeFile(target, yaml);
      const objects = parseAllDocuments(yaml).filter(d => d.contents).length;
      ctx.logger.info(
        `Rendered ${objects} objects for agent ${entity.metadata?.name} into ${targetPath}`,
      );
      ctx.output('objects', objects);
      ctx.output('namespace', String(entity.spec?.namespace ?? ''));
    },
  });
}
