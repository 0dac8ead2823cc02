import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type {
  AgentEntity,
  McpServerEntity,
  McpToolSpec,
  ToolPermission,
} from '@pilothouse/plugin-agentops-common';

/** A Kubernetes RBAC rule as rendered into a Role. */
export type RbacRule = {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
};

/** Why an agent's manifests cannot be rendered; the message says what to fix. */
export class RenderRefusedError extends Error {
  name = 'RenderRefusedError';
}

/** One MCP server an agent uses, with the tools it may call there. */
export type ServerUse = {
  server: McpServerEntity;
  serverRef: string;
  tools: McpToolSpec[];
};

/** What an agent's tools need, sorted out by where it is granted. */
export interface AgentPermissions {
  uses: ServerUse[];
  /** Kubernetes namespace → the merged rules the agent's tools need there. */
  kubernetes: Map<string, RbacRule[]>;
  /** AWS IAM actions (`ecs:DescribeServices`), sorted, each once. */
  awsActions: string[];
  /** Other systems (`github`, `argocd`) → their permission strings, sorted, each once. */
  otherSystems: Map<string, string[]>;
  warnings: string[];
}

type KubernetesPermission = Extract<ToolPermission, { apiGroups: string[] }>;

function isKubernetesPermission(p: ToolPermission): p is KubernetesPermission {
  return (
    typeof p === 'object' &&
    p !== null &&
    Array.isArray((p as KubernetesPermission).apiGroups) &&
    (p.system === undefined || p.system === 'kubernetes')
  );
}

/** The MCP annotations' reading: a missing hint is not trusted. */
export function isDestructiveTool(tool: McpToolSpec): boolean {
  return tool.readOnly !== true && tool.destructive !== false;
}

/** `mcpserver:default/kubernetes`, however the agent wrote the reference. */
export function mcpServerRefOf(agent: AgentEntity, ref: string): string {
  return stringifyEntityRef(
    parseEntityRef(ref, {
      defaultKind: 'MCPServer',
      defaultNamespace: agent.metadata.namespace ?? 'default',
    }),
  );
}

function isArgoCdPermission(permission: ToolPermission): permission is {
  system: 'argocd';
  resource: string;
  action: string;
  object: string;
  policy?: string;
} {
  return (
    typeof permission === 'object' &&
    permission !== null &&
    (permission as { system?: unknown }).system === 'argocd' &&
    typeof (permission as { resource?: unknown }).resource === 'string' &&
    typeof (permission as { action?: unknown }).action === 'string' &&
    typeof (permission as { object?: unknown }).object === 'string'
  );
}

function describe(permission: ToolPermission): string {
  return typeof permission === 'string'
    ? permission
    : JSON.stringify(permission);
}

function hasWildcard(permission: ToolPermission): boolean {
  if (typeof permission === 'string') {
    return permission.includes('*');
  }
  return Object.values(permission).some(value =>
    Array.isArray(value)
      ? value.some(v => typeof v === 'string' && v.includes('*'))
      : typeof value === 'string' && value.includes('*'),
  );
}

/**
 * Collects what an agent's tools need: the tools it may call on each MCP
 * server (all the server's tools unless it lists some; never destructive
 * ones unless it may call them), their Kubernetes RBAC merged per
 * namespace the server acts on, their AWS IAM actions and other systems'
 * permissions. Refuses (RenderRefusedError) a wildcard, an unknown server
 * or tool, or a Kubernetes permission with no verbs.
 */
export function collectPermissions(
  agent: AgentEntity,
  servers: Map<string, McpServerEntity>,
): AgentPermissions {
  const agentRef = stringifyEntityRef(agent);
  const ownNamespace = agent.spec.namespace;
  const warnings: string[] = [];
  const uses: ServerUse[] = [];
  // namespace → "apiGroup\0resource" → verbs
  const grants = new Map<string, Map<string, Set<string>>>();
  const aws = new Set<string>();
  const other = new Map<string, Set<string>>();

  for (const use of agent.spec.mcpServers ?? []) {
    const serverRef = mcpServerRefOf(agent, use.server);
    const server = servers.get(serverRef);
    if (!server) {
      throw new RenderRefusedError(
        `${agentRef} uses ${serverRef}, which is not in the catalog; its tools' permissions are unknown`,
      );
    }
    const declared = server.spec.tools ?? [];
    let tools: McpToolSpec[];
    if (use.tools) {
      tools = use.tools.map(name => {
        const tool = declared.find(t => t.name === name);
        if (!tool) {
          throw new RenderRefusedError(
            `${agentRef} uses tool ${name}, which ${serverRef} does not declare (it declares ${
              declared.map(t => t.name).join(', ') || 'no tools'
            })`,
          );
        }
        return tool;
      });
    } else {
      tools = declared;
    }
    if (!agent.spec.allowDestructiveTools) {
      const destructive = tools.filter(isDestructiveTool);
      if (destructive.length > 0 && use.tools) {
        warnings.push(
          `${agentRef} lists destructive tools of ${serverRef} (${destructive
            .map(t => t.name)
            .join(
              ', ',
            )}) but may not call destructive tools; their permissions are not granted`,
        );
      }
      tools = tools.filter(t => !isDestructiveTool(t));
    }
    uses.push({ server, serverRef, tools });

    const scope = server.spec.scope;
    const scoped =
      scope?.type === 'namespaces' && (scope.namespaces?.length ?? 0) > 0;
    const namespaces = scoped ? scope!.namespaces! : [ownNamespace];
    let grantsKubernetes = false;

    for (const tool of tools) {
      for (const permission of tool.permissions ?? []) {
        if (hasWildcard(permission)) {
          throw new RenderRefusedError(
            `Refusing to render ${agentRef}: tool ${
              tool.name
            } of ${serverRef} declares a wildcard permission ${describe(
              permission,
            )}; declare the exact API groups, resources and verbs (or IAM actions) it needs`,
          );
        }
        if (typeof permission === 'string') {
          aws.add(permission);
        } else if (isKubernetesPermission(permission)) {
          if (
            permission.verbs.length === 0 ||
            permission.resources.length === 0 ||
            permission.apiGroups.length === 0
          ) {
            throw new RenderRefusedError(
              `Refusing to render ${agentRef}: tool ${
                tool.name
              } of ${serverRef} declares a Kubernetes permission without API groups, resources or verbs: ${describe(
                permission,
              )}`,
            );
          }
          grantsKubernetes = true;
          for (const ns of namespaces) {
            const perNs = grants.get(ns) ?? new Map<string, Set<string>>();
            grants.set(ns, perNs);
            for (const group of permission.apiGroups) {
              for (const resource of permission.resources) {
                const key = `${group}\u0000${resource}`;
                const verbs = perNs.get(key) ?? new Set<string>();
                permission.verbs.forEach(v => verbs.add(v));
                perNs.set(key, verbs);
              }
            }
          }
        } else if (isArgoCdPermission(permission)) {
          // Argo CD RBAC is Argo CD's, not Kubernetes': a line for the
          // operator's argocd-rbac-cm, in the external permissions.
          const set = other.get('argocd') ?? new Set<string>();
          set.add(
            permission.policy ??
              `p, <role>, ${permission.resource}, ${permission.action}, ${permission.object}, allow`,
          );
          other.set('argocd', set);
        } else if (
          typeof permission === 'object' &&
          permission !== null &&
          typeof (permission as { system?: unknown }).system === 'string' &&
          typeof (permission as { permission?: unknown }).permission ===
            'string'
        ) {
          const { system, permission: text } = permission as {
            system: string;
            permission: string;
          };
          const set = other.get(system) ?? new Set<string>();
          set.add(text);
          other.set(system, set);
        } else {
          throw new RenderRefusedError(
            `Refusing to render ${agentRef}: tool ${
              tool.name
            } of ${serverRef} declares a permission of unknown shape ${describe(
              permission,
            )}`,
          );
        }
      }
    }
    if (grantsKubernetes && !scoped) {
      warnings.push(
        `${serverRef} is ${
          scope ? `${scope.type}-scoped` : 'not scoped'
        }: an agent gets no cluster-wide RBAC, so the Kubernetes permissions of its tools are granted only in the agent's own namespace ${ownNamespace}; list the namespaces it acts on in the MCPServer's spec.scope to grant them there`,
      );
    }
  }

  const kubernetes = new Map<string, RbacRule[]>();
  for (const ns of [...grants.keys()].sort()) {
    kubernetes.set(ns, mergeRules(grants.get(ns)!));
  }
  return {
    uses,
    kubernetes,
    awsActions: [...aws].sort(),
    otherSystems: new Map(
      [...other.keys()]
        .sort()
        .map(system => [system, [...other.get(system)!].sort()]),
    ),
    warnings,
  };
}

/** One rule per API group and verb set, resources and verbs sorted. */
function mergeRules(grants: Map<string, Set<string>>): RbacRule[] {
  const byGroupAndVerbs = new Map<string, RbacRule>();
  for (const key of [...grants.keys()].sort()) {
    const [group, resource] = key.split('\u0000');
    const verbs = [...grants.get(key)!].sort();
    const ruleKey = `${group}\u0000${verbs.join(',')}`;
    const rule = byGroupAndVerbs.get(ruleKey) ?? {
      apiGroups: [group],
      resources: [],
      verbs,
    };
    rule.resources.push(resource);
    byGroupAndVerbs.set(ruleKey, rule);
  }
  return [...byGroupAndVerbs.values()];
}
