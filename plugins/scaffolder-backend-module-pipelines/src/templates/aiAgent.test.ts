import type { Entity } from '@backstage/catalog-model';
// The template's render step calls the real agents backend, started beside
// the scaffolder here as in the portal.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import agentsPlugin from '@pilothouse/plugin-agents-backend';
import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { validateKubernetesFiles } from '../checks/kubernetesSchemas';
import { checkPinnedActions } from '../checks/pinnedActions';
import { validateGitLabCiFile } from '../checks/gitlabCi';
import { checkWorkflowPermissions } from '../checks/workflowPermissions';
import { parseWorkflowFile } from '../checks/workflowParser';
import {
  dryRunBody,
  DryRunResult,
  generatedFiles,
  TEMPLATES_DIR,
} from './dryRun';
import { startDryRunBackend } from './__testUtils__/dryRunBackend';

/** The repository's MCP servers (catalog/agents.yaml), which new agents pick from. */
const mcpServers: Entity[] = parseAllDocuments(
  fs.readFileSync(path.join(TEMPLATES_DIR, '../catalog/agents.yaml'), 'utf8'),
)
  .map(d => d.toJS())
  .filter(e => e?.kind === 'MCPServer');

const LANGUAGES = ['node', 'python', 'go', 'java'];
const CI_SYSTEMS = ['github-actions', 'gitlab-ci'];
const DESTRUCTIVE = [
  { allowDestructiveTools: false, approvalMode: 'none' },
  { allowDestructiveTools: true, approvalMode: 'approval' },
];
const COMBINATIONS = LANGUAGES.flatMap(language =>
  CI_SYSTEMS.flatMap(ciSystem =>
    DESTRUCTIVE.map(d => ({ language, ciSystem, ...d })),
  ),
);

function values(choices: Record<string, unknown>) {
  return {
    name: 'cost-watch',
    description: 'Reports cost anomalies',
    owner: 'group:default/sre',
    modelProvider: 'local',
    modelName: 'pilothouse-local',
    mcpServers: ['mcpserver:default/kubernetes', 'mcpserver:default/aws'],
    dataClassification: 'internal',
    failOnSeverity: 'high',
    registry: 'ghcr.io/pilothouse-demo',
    publishTo: 'local',
    ...choices,
  };
}

describe('ai-agent template, through the scaffolder dry run', () => {
  let backend: Awaited<ReturnType<typeof startDryRunBackend>>;
  beforeAll(async () => {
    backend = await startDryRunBackend({
      features: [agentsPlugin],
      entities: mcpServers,
    });
  });
  afterAll(() => backend.stop());
  const dryRun = (body: object) => backend.dryRun(body);

  const generate = async (choices: Record<string, unknown>) => {
    const res = await dryRun(
      dryRunBody('pipelines/ai-agent.yaml', values(choices)),
    );
    expect(
      res.status === 200 ? 'ok' : JSON.stringify(res.body.error ?? res.body),
    ).toBe('ok');
    return res.body as DryRunResult;
  };

  it.each(COMBINATIONS)(
    '$language, $ciSystem, destructive tools $allowDestructiveTools: the outputs pass every check',
    async choices => {
      const result = await generate(choices);
      const failed = result.log.filter(l => l.body.status === 'failed');
      expect(failed.map(l => l.body.message)).toEqual([]);
      const files = generatedFiles(result);

      // The Agent entity, as the catalog will read it.
      const entity = parse(files.get('catalog-info.yaml')!);
      expect(entity).toMatchObject({
        apiVersion: 'pilothouse.io/v1alpha1',
        kind: 'Agent',
        metadata: {
          name: 'cost-watch',
          annotations: { 'pilothouse.io/template': 'ai-agent@1.0.0' },
        },
        spec: {
          owner: 'group:default/sre',
          namespace: 'agent-cost-watch',
          mcpServers: [
            { server: 'mcpserver:default/kubernetes' },
            { server: 'mcpserver:default/aws' },
          ],
          allowDestructiveTools: choices.allowDestructiveTools,
          approvals: { mode: choices.approvalMode },
          image: 'ghcr.io/pilothouse-demo/cost-watch:0.1.0',
        },
      });

      // The agent catalog's rendering: valid objects, isolated.
      const manifests = [...files]
        .filter(([p]) => p.startsWith('deploy/'))
        .map(([p, content]) => ({ path: p, content }));
      expect(manifests.map(m => m.path)).toEqual(['deploy/agent.yaml']);
      expect(validateKubernetesFiles(manifests)).toEqual([]);
      const objects = parseAllDocuments(manifests[0].content).map(d =>
        d.toJS(),
      );
      const namespace = objects.find(o => o.kind === 'Namespace');
      expect(namespace.metadata.labels).toMatchObject({
        'pod-security.kubernetes.io/enforce': 'restricted',
      });
      const defaultDeny = objects.find(
        o => o.kind === 'NetworkPolicy' && o.metadata.name === 'default-deny',
      );
      expect(defaultDeny.spec).toEqual({
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
      });
      for (const role of objects.filter(o => o.kind === 'Role')) {
        for (const rule of role.rules) {
          expect(rule.verbs).not.toContain('*');
          expect(rule.resources).not.toContain('*');
        }
      }
      expect(objects.some(o => o.kind === 'ClusterRole')).toBe(false);
      const deployment = objects.find(o => o.kind === 'Deployment');
      expect(deployment.spec.template.spec.containers[0]).toMatchObject({
        image: 'ghcr.io/pilothouse-demo/cost-watch:0.1.0',
        securityContext: { readOnlyRootFilesystem: true, runAsNonRoot: true },
      });

      // The service pipeline's CI, without its Kustomize deployment.
      const github = choices.ciSystem === 'github-actions';
      expect(files.has('.github/workflows/ci.yml')).toBe(github);
      expect(files.has('.gitlab-ci.yml')).toBe(!github);
      const workflow = files.get('.github/workflows/ci.yml') ?? '';
      const findings = workflow
        ? [
            ...(await parseWorkflowFile('ci.yml', workflow)),
            ...checkPinnedActions('ci.yml', workflow),
            ...checkWorkflowPermissions('ci.yml', workflow),
          ]
        : validateGitLabCiFile('.gitlab-ci.yml', files.get('.gitlab-ci.yml')!);
      expect(findings).toEqual([]);
      expect(
        result.log.some(l =>
          l.body.message.includes(
            'GitLab CI schema: no errors in .gitlab-ci.yml',
          ),
        ),
      ).toBe(!github);
      const ci = workflow || files.get('.gitlab-ci.yml')!;
      expect(ci).toContain('ghcr.io/pilothouse-demo');
      expect(files.get('README.md')).toContain('ai-agent');

      // The local publish would register the agent.
      expect(result.output.links).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ entityRef: 'agent:default/cost-watch' }),
        ]),
      );
    },
    60_000,
  );

  it('refuses destructive tools without anyone approving them, in the form', async () => {
    const res = await dryRun(
      dryRunBody(
        'pipelines/ai-agent.yaml',
        values({
          language: 'node',
          ciSystem: 'github-actions',
          allowDestructiveTools: true,
          approvalMode: 'none',
        }),
      ),
    );
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.errors)).toContain('approvalMode');
  });

  it('stops with the reason when an MCP server is not in the catalog', async () => {
    const res = await dryRun(
      dryRunBody(
        'pipelines/ai-agent.yaml',
        values({
          language: 'node',
          ciSystem: 'github-actions',
          allowDestructiveTools: false,
          approvalMode: 'none',
          mcpServers: ['mcpserver:default/nowhere'],
        }),
      ),
    );
    // The run stops at the render step, saying which server is missing.
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'The agents backend refused to render cost-watch: The agent uses MCP servers that are not in the catalog: mcpserver:default/nowhere',
    );
  });

  it('pins the same action SHAs as the service pipeline and records its version', () => {
    const read = (file: string) =>
      parse(fs.readFileSync(path.join(TEMPLATES_DIR, file), 'utf8'));
    const agent = read('pipelines/ai-agent.yaml');
    const service = read('pipelines/service-pipeline.yaml');
    expect(agent.spec.steps[0].input.values.pins).toEqual(
      service.spec.steps[0].input.values.pins,
    );
    const version =
      agent.metadata.annotations['pilothouse.io/template-version'];
    expect(agent.spec.steps[0].input.values.templateVersion).toBe(version);
    expect(agent.spec.steps[1].input.values.templateVersion).toBe(version);
  });
});
