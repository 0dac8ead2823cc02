import { Entity } from '@backstage/catalog-model';
import { CatalogProcessorResult } from '@backstage/plugin-catalog-node';
import { AgentOpsEntityProcessor } from './AgentOpsEntityProcessor';

const processor = new AgentOpsEntityProcessor();
const location = { type: 'file', target: 'agents.yaml' };

function agent(spec: Record<string, unknown> = {}): Entity {
  return {
    apiVersion: 'pilothouse.io/v1alpha1',
    kind: 'Agent',
    metadata: { name: 'incident-triage' },
    spec: {
      owner: 'group:default/sre',
      system: 'developer-platform',
      lifecycle: 'experimental',
      model: { provider: 'local', name: 'pilothouse-local' },
      mcpServers: [
        { server: 'mcpserver:default/aws', tools: ['list_alarms'] },
        { server: 'kubernetes' },
      ],
      namespace: 'agent-incident-triage',
      dataClassification: 'confidential',
      allowDestructiveTools: false,
      approvals: { mode: 'none' },
      resources: { limits: { cpu: '500m', memory: '512Mi' } },
      ...spec,
    },
  };
}

function mcpServer(spec: Record<string, unknown> = {}): Entity {
  return {
    apiVersion: 'pilothouse.io/v1alpha1',
    kind: 'MCPServer',
    metadata: { name: 'kubernetes' },
    spec: {
      owner: 'platform-team',
      system: 'developer-platform',
      lifecycle: 'production',
      transport: 'stdio',
      command: ['node', 'packages/mcp-kubernetes/dist/index.js'],
      serverId: 'kubernetes',
      scope: { type: 'namespaces', namespaces: ['payments'] },
      tools: [
        {
          name: 'list_workloads',
          readOnly: true,
          destructive: false,
          permissions: [
            {
              apiGroups: ['apps'],
              resources: ['deployments'],
              verbs: ['list'],
            },
          ],
        },
        {
          name: 'scale_ecs_service',
          destructive: true,
          permissions: ['ecs:UpdateService'],
        },
        {
          name: 'sync_application',
          permissions: [
            {
              system: 'argocd',
              resource: 'applications',
              action: 'sync',
              object: '<project>/<app>',
            },
            { system: 'github', permission: 'actions:write' },
          ],
        },
      ],
      ...spec,
    },
  };
}

/** The error the catalog records for the entity, or undefined if valid. */
async function errorOf(entity: Entity): Promise<string | undefined> {
  try {
    await processor.validateEntityKind(entity);
    return undefined;
  } catch (error) {
    expect((error as Error).name).toBe('InputError');
    return (error as Error).message;
  }
}

function without(spec: Record<string, unknown>, path: string) {
  const copy = JSON.parse(JSON.stringify(spec));
  const keys = path.split('.');
  const last = keys.pop()!;
  delete keys.reduce((o, k) => o[k], copy)[last];
  return copy;
}

describe('AgentOpsEntityProcessor validation', () => {
  it('accepts valid Agent and MCPServer entities', async () => {
    await expect(processor.validateEntityKind(agent())).resolves.toBe(true);
    await expect(processor.validateEntityKind(mcpServer())).resolves.toBe(true);
  });

  it('leaves other kinds and API versions to other processors', async () => {
    await expect(
      processor.validateEntityKind({
        ...agent(),
        apiVersion: 'backstage.io/v1alpha1',
      }),
    ).resolves.toBe(false);
    await expect(
      processor.validateEntityKind({ ...agent(), kind: 'Component' }),
    ).resolves.toBe(false);
  });

  it.each<[string, Entity, string]>([
    [
      'a missing model provider',
      agent({
        model: { name: 'pilothouse-local' },
      }),
      'Agent incident-triage: spec.model.provider is required',
    ],
    [
      'a missing data classification',
      {
        ...agent(),
        spec: without(agent().spec!, 'dataClassification'),
      },
      'Agent incident-triage: spec.dataClassification is required',
    ],
    [
      'an unknown data class',
      agent({ dataClassification: 'secret' }),
      'Agent incident-triage: spec.dataClassification must be one of public, internal, confidential, restricted, got "secret"',
    ],
    [
      'a namespace that Kubernetes would refuse',
      agent({ namespace: 'Agent_Triage' }),
      'Agent incident-triage: spec.namespace must be a Kubernetes namespace name (lowercase letters, digits and \'-\', at most 63 characters) such as agent-incident-triage, got "Agent_Triage"',
    ],
    [
      'a flag written as text',
      agent({ allowDestructiveTools: 'yes' }),
      'Agent incident-triage: spec.allowDestructiveTools must be a boolean, got "yes"',
    ],
    [
      'a misspelt field',
      agent({ allowDestructive: true }),
      'Agent incident-triage: spec.allowDestructive is not a known field',
    ],
    [
      'an MCP server reference to another kind',
      agent({ mcpServers: [{ server: 'component:default/payments' }] }),
      'Agent incident-triage: spec.mcpServers[0].server must refer to an MCPServer, got "component:default/payments"',
    ],
    [
      'a tool list that is not a list',
      agent({ mcpServers: [{ server: 'aws', tools: 'list_alarms' }] }),
      'Agent incident-triage: spec.mcpServers[0].tools must be an array, got "list_alarms"',
    ],
    [
      'destructive tools with no approval',
      agent({ allowDestructiveTools: true, approvals: { mode: 'none' } }),
      'Agent incident-triage: spec.approvals.mode must be confirm or approval when spec.allowDestructiveTools is true',
    ],
    [
      'a second-person approval with nobody to approve',
      agent({ allowDestructiveTools: true, approvals: { mode: 'approval' } }),
      'Agent incident-triage: spec.approvals.approverGroups is required when spec.approvals.mode is approval',
    ],
    [
      'a memory limit that is not a quantity',
      agent({ resources: { limits: { memory: 'lots' } } }),
      'Agent incident-triage: spec.resources.limits.memory must be a Kubernetes quantity such as 500m, 1 or 256Mi, got "lots"',
    ],
    [
      'a stdio server without a command',
      mcpServer({ command: undefined }),
      'MCPServer kubernetes: spec.command is required when spec.transport is stdio',
    ],
    [
      'an HTTP server with a URL that is not http',
      mcpServer({ transport: 'streamable-http', url: 'ftp://mcp.example.com' }),
      'MCPServer kubernetes: spec.url must be an http(s) URL such as http://mcp-kubernetes.mcp:8080/mcp, got "ftp://mcp.example.com"',
    ],
    [
      'an unknown transport',
      mcpServer({ transport: 'sse' }),
      'MCPServer kubernetes: spec.transport must be one of stdio, streamable-http, got "sse"',
    ],
    [
      'no tool list',
      { ...mcpServer(), spec: without(mcpServer().spec!, 'tools') },
      'MCPServer kubernetes: spec.tools is required',
    ],
    [
      'a tool declared twice',
      mcpServer({
        tools: [{ name: 'list_workloads' }, { name: 'list_workloads' }],
      }),
      'MCPServer kubernetes: spec.tools[1].name "list_workloads" is declared more than once',
    ],
    [
      'a permission in no known form',
      mcpServer({
        tools: [{ name: 'list_workloads', permissions: [{ verbs: ['list'] }] }],
      }),
      'MCPServer kubernetes: spec.tools[0].permissions[0] must be an IAM action string such as ecs:DescribeServices, a Kubernetes RBAC rule { apiGroups, resources, verbs }, an Argo CD rule { system: argocd, resource, action, object } or { system, permission }, got {"verbs":["list"]}',
    ],
    [
      'a namespaced scope without namespaces',
      mcpServer({ scope: { type: 'namespaces' } }),
      'MCPServer kubernetes: spec.scope.namespaces is required when spec.scope.type is namespaces',
    ],
  ])(
    'refuses %s with an error naming the field',
    async (_, entity, message) => {
      expect(await errorOf(entity)).toBe(message);
    },
  );

  it('lists every problem of an entity at once', async () => {
    const message = await errorOf(
      agent({ model: {}, namespace: 'NS', approvals: undefined }),
    );
    expect(message).toMatch(/^Agent incident-triage: /);
    expect(message).toContain('spec.model.provider is required');
    expect(message).toContain('spec.model.name is required');
    expect(message).toContain('spec.namespace must be a Kubernetes namespace');
    expect(message).toContain('spec.approvals is required');
  });
});

describe('AgentOpsEntityProcessor relations', () => {
  async function relationsOf(entity: Entity) {
    const emitted: CatalogProcessorResult[] = [];
    await processor.postProcessEntity(entity, location, r => emitted.push(r));
    return emitted.map(r => {
      if (r.type !== 'relation') throw new Error(`unexpected ${r.type}`);
      const { source, type, target } = r.relation;
      return `${source.kind}:${source.name} ${type} ${target.kind}:${target.name}`;
    });
  }

  it('relates an agent to its owner, system and MCP servers, both ways', async () => {
    expect(await relationsOf(agent())).toEqual([
      'Agent:incident-triage ownedBy group:sre',
      'group:sre ownerOf Agent:incident-triage',
      'Agent:incident-triage partOf System:developer-platform',
      'System:developer-platform hasPart Agent:incident-triage',
      'Agent:incident-triage usesMcpServer mcpserver:aws',
      'mcpserver:aws mcpServerUsedBy Agent:incident-triage',
      'Agent:incident-triage usesMcpServer MCPServer:kubernetes',
      'MCPServer:kubernetes mcpServerUsedBy Agent:incident-triage',
    ]);
  });

  it('relates an MCP server to its owner and system', async () => {
    expect(await relationsOf(mcpServer())).toEqual([
      'MCPServer:kubernetes ownedBy Group:platform-team',
      'Group:platform-team ownerOf MCPServer:kubernetes',
      'MCPServer:kubernetes partOf System:developer-platform',
      'System:developer-platform hasPart MCPServer:kubernetes',
    ]);
  });
});

describe('AgentOpsEntityProcessor Kubernetes annotations', () => {
  it('points an agent’s Kubernetes tab at the pods of its own namespace', async () => {
    const processed = await processor.preProcessEntity(agent());
    expect(processed.metadata.annotations).toMatchObject({
      'backstage.io/kubernetes-label-selector':
        'pilothouse.io/agent=incident-triage',
      'backstage.io/kubernetes-namespace': 'agent-incident-triage',
    });
  });

  it('keeps the Kubernetes annotations an agent names itself', async () => {
    const own = agent();
    own.metadata.annotations = { 'backstage.io/kubernetes-id': 'triage' };
    const processed = await processor.preProcessEntity(own);
    expect(processed.metadata.annotations).toEqual({
      'backstage.io/kubernetes-id': 'triage',
    });
  });

  it('leaves MCP servers alone', async () => {
    const server = { ...agent(), kind: 'MCPServer' };
    expect(await processor.preProcessEntity(server)).toBe(server);
  });
});
