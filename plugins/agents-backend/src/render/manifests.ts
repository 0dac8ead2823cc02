import { stringifyEntityRef } from '@backstage/catalog-model';
import type {
  AgentEntity,
  McpServerEntity,
} from '@pilothouse/plugin-agentops-common';
import { stringify } from 'yaml';
import type { IsolationOptions } from './options';
import {
  AgentPermissions,
  collectPermissions,
  RbacRule,
  RenderRefusedError,
} from './permissions';

/** A Kubernetes object as rendered (plain JSON, ready for YAML). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
  };
  [field: string]: unknown;
}

export interface RenderedAgent {
  agentRef: string;
  /** The agent's own namespace. */
  namespace: string;
  /** Name of its ServiceAccount, Deployment and labels. */
  name: string;
  /** Folder in the GitOps repository the Application deploys. */
  gitopsPath: string;
  objects: KubeObject[];
  permissions: AgentPermissions;
  warnings: string[];
}

/** Label on every rendered object, and on the agent's namespace; the admission policies key on it. */
export const AGENT_LABEL = 'pilothouse.io/agent';
export const AGENT_REF_ANNOTATION = 'pilothouse.io/agent-ref';
export const DEFAULT_DENY_POLICY = 'default-deny';
export const POD_SECURITY_LABELS = [
  'pod-security.kubernetes.io/enforce',
  'pod-security.kubernetes.io/audit',
  'pod-security.kubernetes.io/warn',
];
export const IRSA_ANNOTATION = 'eks.amazonaws.com/role-arn';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Name of the Role and RoleBinding an agent gets in each namespace it acts on. */
export const rbacNameOf = (agentName: string) =>
  `pilothouse-agent-${agentName}`;
export const egressPolicyNameOf = (agentName: string) => `${agentName}-egress`;

type EgressRule = {
  to: Array<Record<string, unknown>>;
  ports: Array<{ protocol: string; port: number }>;
};

/** Where an MCP server's URL points, as a NetworkPolicy can name it. */
function mcpServerEgress(
  serverRef: string,
  server: McpServerEntity,
  agentNamespace: string,
): { rule?: EgressRule; warning?: string } {
  if (server.spec.transport !== 'streamable-http') {
    // A stdio server runs inside the portal: the agent reaches it through the gateway.
    return {};
  }
  if (!server.spec.url) {
    return {
      warning: `${serverRef} speaks streamable-http but has no spec.url; no egress to it is allowed`,
    };
  }
  let url: URL;
  try {
    url = new URL(server.spec.url);
  } catch {
    return {
      warning: `${serverRef} has an unparseable spec.url ${server.spec.url}; no egress to it is allowed`,
    };
  }
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const ports = [{ protocol: 'TCP', port }];
  const host = url.hostname;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) {
    return { rule: { to: [{ ipBlock: { cidr: `${host}/32` } }], ports } };
  }
  // `svc` (the agent's namespace), `svc.ns`, `svc.ns.svc[.cluster.local]`.
  const labels = host.split('.');
  let namespace: string | undefined;
  if (labels.length === 1) {
    namespace = agentNamespace;
  } else if (labels.length === 2 || labels[2] === 'svc') {
    namespace = labels[1];
  }
  if (!namespace) {
    return {
      warning: `${serverRef} is at ${url.host}, outside the cluster; a NetworkPolicy cannot allow a host name, so the agent reaches it only through the gateway (or an egress gateway the platform adds)`,
    };
  }
  return {
    rule: {
      to: [
        {
          namespaceSelector: {
            matchLabels: { 'kubernetes.io/metadata.name': namespace },
          },
        },
      ],
      ports,
    },
  };
}

function iamPolicy(actions: string[]) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'PilothouseAgentTools',
        Effect: 'Allow',
        Action: actions,
        // Tools declare actions, not resources: narrow this when creating the role.
        Resource: '*',
      },
    ],
  };
}

function checkName(agentRef: string, what: string, value: string) {
  if (!DNS_LABEL.test(value)) {
    throw new RenderRefusedError(
      `Refusing to render ${agentRef}: ${what} "${value}" is not a Kubernetes name (lowercase letters, digits and '-', at most 63)`,
    );
  }
}

/**
 * Renders what runs an agent safely: its namespace (PodSecurity
 * `restricted`), ServiceAccount, per-namespace Roles and RoleBindings
 * holding exactly its tools' Kubernetes permissions, default-deny and
 * egress NetworkPolicies, quota and limits, the Deployment and the Argo CD
 * Application that deploys them from Git. Pure: the same entities and
 * options give the same objects.
 */
export function renderAgentManifests(
  agent: AgentEntity,
  servers: Map<string, McpServerEntity>,
  options: IsolationOptions,
): RenderedAgent {
  const agentRef = stringifyEntityRef(agent);
  const name = agent.metadata.name;
  const namespace = agent.spec.namespace;
  checkName(agentRef, 'metadata.name', name);
  checkName(agentRef, 'spec.namespace', namespace);
  const permissions = collectPermissions(agent, servers);
  for (const ns of permissions.kubernetes.keys()) {
    checkName(agentRef, 'an MCP server scope namespace', ns);
  }
  const warnings = [...permissions.warnings];

  const labels = {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/component': 'agent',
    'app.kubernetes.io/part-of': 'pilothouse-agents',
    'app.kubernetes.io/managed-by': 'pilothouse',
    [AGENT_LABEL]: name,
  };
  const annotations = { [AGENT_REF_ANNOTATION]: agentRef };
  // null: a cluster-scoped object.
  const meta = (objectName: string, ns: string | null = namespace) => ({
    name: objectName,
    ...(ns ? { namespace: ns } : {}),
    labels: { ...labels },
    annotations: { ...annotations },
  });
  const podLabels = { 'app.kubernetes.io/name': name, [AGENT_LABEL]: name };
  const needsKubernetes = permissions.kubernetes.size > 0;
  const needsAws = permissions.awsActions.length > 0;

  const gitopsPath = `${options.gitops.basePath.replace(/\/$/, '')}/${name}`;
  const objects: KubeObject[] = [];

  objects.push({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      ...meta(namespace, null),
      labels: {
        ...labels,
        'kubernetes.io/metadata.name': namespace,
        ...Object.fromEntries(POD_SECURITY_LABELS.map(l => [l, 'restricted'])),
      },
    },
  });

  objects.push({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      ...meta(name),
      annotations: {
        ...annotations,
        ...(needsAws
          ? {
              [IRSA_ANNOTATION]: options.awsRoleArnTemplate
                .replaceAll('{name}', name)
                .replaceAll('{namespace}', namespace),
            }
          : {}),
      },
    },
    // The pod template decides; the default for anything else is no token.
    automountServiceAccountToken: false,
  });

  const agentConfig = {
    agentRef,
    model: agent.spec.model,
    systemMessage: agent.spec.systemMessage ?? '',
    dataClassification: agent.spec.dataClassification,
    allowDestructiveTools: agent.spec.allowDestructiveTools,
    approvals: agent.spec.approvals,
    mcpServers: permissions.uses.map(use => ({
      server: use.serverRef,
      serverId: use.server.spec.serverId,
      tools: use.tools.map(t => t.name),
    })),
  };
  objects.push({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(`${name}-config`),
    data: { 'agent.json': `${JSON.stringify(agentConfig, null, 2)}\n` },
  });

  if (needsAws || permissions.otherSystems.size > 0) {
    const data: Record<string, string> = {};
    if (needsAws) {
      data['aws-iam-policy.json'] = `${JSON.stringify(
        iamPolicy(permissions.awsActions),
        null,
        2,
      )}\n`;
    }
    for (const [system, list] of permissions.otherSystems) {
      data[`${system}-permissions.txt`] = `${list.join('\n')}\n`;
    }
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(`${name}-external-permissions`),
      data,
    });
  }

  for (const [ns, rules] of permissions.kubernetes) {
    objects.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(rbacNameOf(name), ns),
      rules: rules.map((rule: RbacRule) => ({ ...rule })),
    });
    objects.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(rbacNameOf(name), ns),
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: rbacNameOf(name),
      },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    });
  }

  objects.push({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(DEFAULT_DENY_POLICY),
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  });

  const egress: EgressRule[] = [
    {
      to: [
        {
          namespaceSelector: {
            matchLabels: {
              'kubernetes.io/metadata.name': options.dns.namespace,
            },
          },
          podSelector: { matchLabels: { ...options.dns.podLabels } },
        },
      ],
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    },
    {
      to: [
        {
          namespaceSelector: {
            matchLabels: {
              'kubernetes.io/metadata.name': options.gateway.namespace,
            },
          },
          podSelector: { matchLabels: { ...options.gateway.podLabels } },
        },
      ],
      ports: [{ protocol: 'TCP', port: options.gateway.port }],
    },
  ];
  const seen = new Set(egress.map(rule => JSON.stringify(rule)));
  for (const use of permissions.uses) {
    const { rule, warning } = mcpServerEgress(
      use.serverRef,
      use.server,
      namespace,
    );
    if (warning) warnings.push(warning);
    if (rule && !seen.has(JSON.stringify(rule))) {
      seen.add(JSON.stringify(rule));
      egress.push(rule);
    }
  }
  objects.push({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(egressPolicyNameOf(name)),
    spec: {
      podSelector: { matchLabels: { ...podLabels } },
      policyTypes: ['Egress'],
      egress,
    },
  });

  const { requests, limits } = resourcesOf(agent, options);
  objects.push({
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: meta(`${name}-quota`),
    spec: {
      // One agent pod (the Deployment recreates, never surges), nothing else that costs.
      hard: {
        pods: '1',
        'requests.cpu': requests.cpu,
        'requests.memory': requests.memory,
        'limits.cpu': limits.cpu,
        'limits.memory': limits.memory,
        services: '0',
        'services.loadbalancers': '0',
        'services.nodeports': '0',
        persistentvolumeclaims: '0',
        configmaps: '10',
        secrets: '10',
      },
    },
  });
  objects.push({
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: meta(`${name}-limits`),
    spec: {
      limits: [
        {
          type: 'Container',
          default: { ...limits },
          defaultRequest: { ...requests },
          max: { ...limits },
        },
      ],
    },
  });

  objects.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(name),
    spec: {
      replicas: 1,
      // Two copies of an agent acting on infrastructure at once is never wanted.
      strategy: { type: 'Recreate' },
      selector: { matchLabels: { ...podLabels } },
      template: {
        metadata: { labels: { ...labels }, annotations: { ...annotations } },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: needsKubernetes,
          enableServiceLinks: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: options.runtime.runAsUser,
            runAsGroup: options.runtime.runAsUser,
            fsGroup: options.runtime.runAsUser,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'agent',
              image: agent.spec.image ?? options.runtime.image,
              env: [
                { name: 'PILOTHOUSE_AGENT_REF', value: agentRef },
                { name: 'PILOTHOUSE_GATEWAY_URL', value: options.gateway.url },
                {
                  name: 'PILOTHOUSE_MCP_URL',
                  value: `${options.gateway.url.replace(/\/$/, '')}/mcp`,
                },
                {
                  name: 'PILOTHOUSE_AGENT_CONFIG',
                  value: '/etc/pilothouse-agent/agent.json',
                },
                {
                  name: 'PILOTHOUSE_GATEWAY_TOKEN',
                  valueFrom: {
                    secretKeyRef: {
                      name: `${name}-gateway-token`,
                      key: 'token',
                      optional: true,
                    },
                  },
                },
              ],
              resources: { requests: { ...requests }, limits: { ...limits } },
              securityContext: {
                runAsNonRoot: true,
                runAsUser: options.runtime.runAsUser,
                readOnlyRootFilesystem: true,
                allowPrivilegeEscalation: false,
                privileged: false,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
              volumeMounts: [
                {
                  name: 'config',
                  mountPath: '/etc/pilothouse-agent',
                  readOnly: true,
                },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: `${name}-config` } },
            { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
          ],
        },
      },
    },
  });

  objects.push({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      ...meta(`agent-${name}`, options.gitops.argocdNamespace),
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    },
    spec: {
      project: options.gitops.project,
      source: {
        repoURL: options.gitops.repoUrl,
        targetRevision: options.gitops.targetRevision,
        path: gitopsPath,
      },
      destination: { server: options.gitops.destinationServer, namespace },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        // The Namespace is rendered (with its PodSecurity labels): Argo CD must not make a bare one.
        syncOptions: ['CreateNamespace=false'],
      },
    },
  });

  return {
    agentRef,
    namespace,
    name,
    gitopsPath,
    objects,
    permissions,
    warnings,
  };
}

function resourcesOf(agent: AgentEntity, options: IsolationOptions) {
  const fallback = options.runtime.resources;
  const declared = agent.spec.resources ?? {};
  return {
    requests: {
      cpu: declared.requests?.cpu ?? fallback.requests.cpu,
      memory: declared.requests?.memory ?? fallback.requests.memory,
    },
    limits: {
      cpu: declared.limits?.cpu ?? fallback.limits.cpu,
      memory: declared.limits?.memory ?? fallback.limits.memory,
    },
  };
}

/** The objects as one YAML stream, with a header naming the agent. */
export function toYamlStream(rendered: RenderedAgent): string {
  const header = [
    `# Rendered by Pilothouse for ${rendered.agentRef}.`,
    `# Commit everything but the Application to ${rendered.gitopsPath}/ in the GitOps repository;`,
    '# the Application goes where Argo CD picks up applications (app of apps).',
    ...rendered.warnings.map(w => `# warning: ${w}`),
  ].join('\n');
  return `${header}\n${rendered.objects
    .map(obj => `---\n${stringify(obj, { lineWidth: 0 })}`)
    .join('')}`;
}
