import type {
  AgentEntity,
  AgentIsolationReport,
  AgentSummary,
  McpServerEntity,
} from '@pilothouse/plugin-agentops-common';
import type { AgentsApi } from '../api';

/*
 * Agents and MCP servers in the contract's shape, named as in
 * catalog/agents.yaml, with fewer tools; the kubernetes server's running
 * process lists a tool it does not declare and lacks one it does.
 */

export const kubernetesServer: McpServerEntity = {
  apiVersion: 'pilothouse.io/v1alpha1',
  kind: 'MCPServer',
  metadata: {
    name: 'kubernetes',
    namespace: 'default',
    title: 'Kubernetes MCP server',
    annotations: {
      'pilothouse.io/live-tools': JSON.stringify([
        'list_workloads',
        'pod_logs',
        'scale_deployment',
        'get_events',
      ]),
      'pilothouse.io/tool-sync': 'drift',
      'pilothouse.io/tool-drift': JSON.stringify({
        missing: ['restart_deployment'],
        undeclared: ['get_events'],
        changed: [{ name: 'scale_deployment', fields: ['permissions'] }],
      }),
    },
  },
  relations: [
    {
      type: 'mcpServerUsedBy',
      targetRef: 'agent:default/incident-triage',
    },
    { type: 'mcpServerUsedBy', targetRef: 'agent:default/release-agent' },
  ],
  spec: {
    owner: 'group:platform-team',
    lifecycle: 'production',
    transport: 'stdio',
    command: ['node', 'packages/mcp-kubernetes/dist/index.js'],
    serverId: 'kubernetes',
    scope: { type: 'cluster' },
    tools: [
      {
        name: 'list_workloads',
        description: 'List workloads',
        readOnly: true,
        destructive: false,
        idempotent: true,
        permissions: [
          { apiGroups: ['apps'], resources: ['deployments'], verbs: ['list'] },
        ],
      },
      {
        name: 'pod_logs',
        description: 'Pod logs',
        readOnly: true,
        destructive: false,
        idempotent: true,
        permissions: [
          { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get'] },
        ],
      },
      {
        name: 'scale_deployment',
        description: 'Scale a deployment',
        readOnly: false,
        destructive: true,
        idempotent: true,
        permissions: [
          {
            apiGroups: ['apps'],
            resources: ['deployments/scale'],
            verbs: ['get', 'patch'],
          },
        ],
      },
      {
        name: 'restart_deployment',
        description: 'Restart a deployment',
        readOnly: false,
        destructive: true,
        idempotent: false,
        permissions: [
          {
            apiGroups: ['apps'],
            resources: ['deployments'],
            verbs: ['get', 'patch'],
          },
        ],
      },
    ],
  },
};

export const cicdServer: McpServerEntity = {
  apiVersion: 'pilothouse.io/v1alpha1',
  kind: 'MCPServer',
  metadata: {
    name: 'cicd',
    namespace: 'default',
    title: 'CI/CD MCP server',
    annotations: {
      'pilothouse.io/live-tools': JSON.stringify([
        'get_application',
        'sync_application',
      ]),
      'pilothouse.io/tool-sync': 'in-sync',
      'pilothouse.io/tool-drift': JSON.stringify({
        missing: [],
        undeclared: [],
        changed: [],
      }),
    },
  },
  spec: {
    owner: 'group:platform-team',
    lifecycle: 'production',
    transport: 'streamable-http',
    url: 'http://mcp-cicd.mcp:8080/mcp',
    serverId: 'cicd',
    scope: { type: 'namespaces', namespaces: ['payments'] },
    tools: [
      {
        name: 'get_application',
        description: 'Get an Argo CD application',
        readOnly: true,
        destructive: false,
        idempotent: true,
        permissions: [
          {
            system: 'argocd',
            resource: 'applications',
            action: 'get',
            object: '<project>/<app>',
          },
        ],
      },
      {
        name: 'sync_application',
        description: 'Sync an Argo CD application',
        readOnly: false,
        destructive: true,
        idempotent: false,
        permissions: [
          {
            system: 'argocd',
            resource: 'applications',
            action: 'sync',
            object: '<project>/<app>',
          },
        ],
      },
    ],
  },
};

export const awsServer: McpServerEntity = {
  apiVersion: 'pilothouse.io/v1alpha1',
  kind: 'MCPServer',
  metadata: {
    name: 'aws',
    namespace: 'default',
    title: 'AWS MCP server',
    annotations: {
      'pilothouse.io/tool-sync': 'unreachable',
      'pilothouse.io/tool-sync-reason': 'the server exited with code 1',
    },
  },
  spec: {
    owner: 'group:platform-team',
    lifecycle: 'production',
    transport: 'stdio',
    command: ['node', 'packages/mcp-aws/dist/index.js'],
    serverId: 'aws',
    scope: { type: 'account' },
    tools: [
      {
        name: 'list_alarms',
        description: 'List CloudWatch alarms',
        readOnly: true,
        destructive: false,
        idempotent: true,
        permissions: ['cloudwatch:DescribeAlarms'],
      },
    ],
  },
};

export const incidentTriage: AgentEntity = {
  apiVersion: 'pilothouse.io/v1alpha1',
  kind: 'Agent',
  metadata: {
    name: 'incident-triage',
    namespace: 'default',
    title: 'Incident triage agent',
  },
  spec: {
    owner: 'group:sre',
    lifecycle: 'experimental',
    model: { provider: 'local', name: 'pilothouse-local' },
    systemMessage: 'You triage incidents. Never change anything.',
    mcpServers: [
      {
        server: 'mcpserver:default/kubernetes',
        tools: ['list_workloads', 'pod_logs', 'scale_deployment'],
      },
      { server: 'mcpserver:default/aws', tools: ['list_alarms'] },
    ],
    namespace: 'agent-incident-triage',
    dataClassification: 'confidential',
    allowDestructiveTools: false,
    approvals: { mode: 'none' },
  },
};

export const releaseAgent: AgentEntity = {
  apiVersion: 'pilothouse.io/v1alpha1',
  kind: 'Agent',
  metadata: {
    name: 'release-agent',
    namespace: 'default',
    title: 'Release agent',
  },
  spec: {
    owner: 'group:platform-team',
    lifecycle: 'experimental',
    model: { provider: 'anthropic', name: 'claude-sonnet' },
    mcpServers: [
      { server: 'mcpserver:default/cicd' },
      { server: 'kubernetes', tools: ['list_workloads'] },
    ],
    namespace: 'agent-release',
    dataClassification: 'internal',
    allowDestructiveTools: true,
    approvals: {
      mode: 'approval',
      approverGroups: ['group:default/sre'],
    },
  },
};

export const costReport: AgentEntity = {
  apiVersion: 'pilothouse.io/v1alpha1',
  kind: 'Agent',
  metadata: {
    name: 'cost-report',
    namespace: 'default',
    title: 'Cost report agent',
  },
  spec: {
    owner: 'group:platform-team',
    lifecycle: 'experimental',
    model: { provider: 'local', name: 'pilothouse-local' },
    mcpServers: [{ server: 'mcpserver:default/aws' }],
    namespace: 'agent-cost-report',
    dataClassification: 'internal',
    allowDestructiveTools: false,
    approvals: { mode: 'none' },
  },
};

export const allEntities = [
  kubernetesServer,
  cicdServer,
  awsServer,
  incidentTriage,
  releaseAgent,
  costReport,
];

const checkedAt = '2026-11-26T09:00:00Z';

export const isolationReports: Record<string, AgentIsolationReport> = {
  'agent:default/incident-triage': {
    agentRef: 'agent:default/incident-triage',
    agentNamespace: 'agent-incident-triage',
    status: 'ok',
    checkedAt,
    differences: [],
    warnings: [
      'mcpserver:default/kubernetes is cluster-scoped: an agent gets no cluster-wide RBAC',
    ],
  },
  'agent:default/release-agent': {
    agentRef: 'agent:default/release-agent',
    agentNamespace: 'agent-release',
    status: 'drift',
    checkedAt,
    differences: [
      {
        kind: 'Role',
        namespace: 'payments',
        name: 'pilothouse-agent-release-agent',
        problem: 'extra-permission',
        detail:
          'Role payments/pilothouse-agent-release-agent grants delete on apps/deployments, which no tool declares',
      },
      {
        kind: 'NetworkPolicy',
        namespace: 'agent-release',
        name: 'default-deny',
        problem: 'changed',
        detail: 'NetworkPolicy agent-release/default-deny does not deny egress',
      },
    ],
    warnings: [],
  },
  'agent:default/cost-report': {
    agentRef: 'agent:default/cost-report',
    agentNamespace: 'agent-cost-report',
    status: 'not-deployed',
    checkedAt,
    differences: [],
    warnings: [],
  },
};

export const agentSummaries: AgentSummary[] = [
  incidentTriage,
  releaseAgent,
  costReport,
].map(agent => {
  const entityRef = `agent:default/${agent.metadata.name}`;
  return {
    entityRef,
    name: agent.metadata.name,
    title: agent.metadata.title,
    owner: agent.spec.owner,
    agentNamespace: agent.spec.namespace,
    isolation: isolationReports[entityRef],
  };
});

/** An agents API whose every call fails loudly unless the test gives an answer. */
export function fakeAgentsApi(
  answers: Partial<AgentsApi> = {},
): jest.Mocked<AgentsApi> {
  const methods: (keyof AgentsApi)[] = [
    'listAgents',
    'getIsolation',
    'getManifests',
    'downloadManifests',
    'recentActivity',
  ];
  return Object.fromEntries(
    methods.map(name => [
      name,
      jest.fn(
        (answers[name] as any) ??
          (async () => {
            throw new Error(`the test did not expect a call to ${name}`);
          }),
      ),
    ]),
  ) as unknown as jest.Mocked<AgentsApi>;
}
