import type { IsolationDifference } from '@pilothouse/plugin-agentops-common';
import {
  AGENT_LABEL,
  DEFAULT_DENY_POLICY,
  KubeObject,
  POD_SECURITY_LABELS,
  RenderedAgent,
} from '../../render/manifests';
import type { LiveIsolationState, LiveObject } from './types';

const key = (group: string, resource: string) => `${group}\u0000${resource}`;

function grantsOf(rules: any[] | undefined): Map<string, Set<string>> {
  const grants = new Map<string, Set<string>>();
  for (const rule of rules ?? []) {
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        const verbs = grants.get(key(group, resource)) ?? new Set<string>();
        (rule.verbs ?? []).forEach((v: string) => verbs.add(v));
        grants.set(key(group, resource), verbs);
      }
    }
  }
  return grants;
}

const resourceName = (k: string) => {
  const [group, resource] = k.split('\u0000');
  return group ? `${resource}.${group}` : resource;
};

const find = (
  list: LiveObject[],
  namespace: string | undefined,
  name: string,
) =>
  list.find(
    o =>
      o.metadata?.name === name &&
      (namespace === undefined || o.metadata?.namespace === namespace),
  );

const isEmptySelector = (selector: any) =>
  !selector ||
  (Object.keys(selector.matchLabels ?? {}).length === 0 &&
    (selector.matchExpressions ?? []).length === 0);

/** Denies all ingress and egress of every pod in its namespace. */
export function isDefaultDeny(policy: LiveObject): boolean {
  const spec = policy.spec ?? {};
  const types: string[] = spec.policyTypes ?? [];
  return (
    isEmptySelector(spec.podSelector) &&
    types.includes('Ingress') &&
    types.includes('Egress') &&
    (spec.ingress ?? []).length === 0 &&
    (spec.egress ?? []).length === 0
  );
}

/** A NetworkPolicy's egress in a canonical form, read the same from rendered JSON and client models. */
function canonicalEgress(spec: any): string {
  const peer = (p: any) => ({
    ns: p.namespaceSelector ? canonicalSelector(p.namespaceSelector) : null,
    pods: p.podSelector ? canonicalSelector(p.podSelector) : null,
    cidr: p.ipBlock?.cidr ?? null,
    except: [...(p.ipBlock?.except ?? p.ipBlock?._except ?? [])].sort(),
  });
  const rules = (spec?.egress ?? []).map((rule: any) => ({
    to: (rule.to ?? []).map(peer),
    ports: (rule.ports ?? []).map((p: any) => ({
      protocol: p.protocol ?? 'TCP',
      port: String(p.port ?? ''),
      endPort: p.endPort ?? null,
    })),
  }));
  return JSON.stringify({
    pods: canonicalSelector(spec?.podSelector),
    types: [...(spec?.policyTypes ?? [])].sort(),
    rules,
  });
}

function canonicalSelector(selector: any) {
  const labels = selector?.matchLabels ?? {};
  return {
    labels: Object.keys(labels)
      .sort()
      .map(k => `${k}=${labels[k]}`),
    expressions: (selector?.matchExpressions ?? []).map((e: any) => ({
      key: e.key,
      operator: e.operator,
      values: [...(e.values ?? [])].sort(),
    })),
  };
}

function boundToAgent(
  binding: LiveObject,
  agentNamespace: string,
  saName: string,
) {
  return (binding.subjects ?? []).some(
    (s: any) =>
      s.kind === 'ServiceAccount' &&
      s.name === saName &&
      (s.namespace ?? binding.metadata?.namespace) === agentNamespace,
  );
}

/** Whether a live rule grants a verb on a resource, with RBAC's `*` semantics. */
function covers(rule: any, group: string, resource: string, verb: string) {
  const has = (list: string[] | undefined, value: string) =>
    (list ?? []).includes('*') || (list ?? []).includes(value);
  return (
    has(rule.apiGroups, group) &&
    has(rule.resources, resource) &&
    has(rule.verbs, verb)
  );
}

function compareRole(
  rendered: KubeObject,
  live: LiveObject,
): IsolationDifference[] {
  const where = {
    kind: 'Role',
    namespace: rendered.metadata.namespace,
    name: rendered.metadata.name,
  };
  const differences: IsolationDifference[] = [];
  const liveRules: any[] = live.rules ?? [];
  for (const rule of liveRules) {
    const fields = ['apiGroups', 'resources', 'verbs'] as const;
    const wild = fields.filter(f => (rule[f] ?? []).includes('*'));
    if (wild.length > 0) {
      differences.push({
        ...where,
        problem: 'wildcard',
        detail: `Role ${where.namespace}/${
          where.name
        } grants '*' in ${wild.join(' and ')} (rule ${JSON.stringify({
          apiGroups: rule.apiGroups,
          resources: rule.resources,
          verbs: rule.verbs,
        })}); the agent's tools declare exact permissions only`,
      });
    }
  }
  const declared = grantsOf(rendered.rules as any[]);
  const granted = grantsOf(
    liveRules.filter(
      r =>
        !(r.apiGroups ?? []).includes('*') &&
        !(r.resources ?? []).includes('*'),
    ),
  );
  for (const [k, verbs] of granted) {
    const extra = [...verbs].filter(v => v !== '*' && !declared.get(k)?.has(v));
    if (extra.length > 0) {
      const allowed = [...(declared.get(k) ?? [])].sort();
      differences.push({
        ...where,
        problem: 'extra-permission',
        detail: `Role ${where.namespace}/${where.name} grants ${extra
          .sort()
          .join(', ')} on ${resourceName(k)} beyond what the tools declare (${
          allowed.length ? allowed.join(', ') : 'nothing'
        })`,
      });
    }
  }
  for (const [k, verbs] of declared) {
    const [group, resource] = k.split('\u0000');
    const missing = [...verbs].filter(
      v => !liveRules.some(rule => covers(rule, group, resource, v)),
    );
    if (missing.length > 0) {
      differences.push({
        ...where,
        problem: 'missing-permission',
        detail: `Role ${where.namespace}/${
          where.name
        } does not grant ${missing.join(', ')} on ${resourceName(
          k,
        )}, which the tools declare`,
      });
    }
  }
  return differences;
}

/**
 * Compares an agent's rendered isolation objects with what is live: the
 * namespace's PodSecurity labels, the ServiceAccount, each Role's rules
 * (extra verbs, missing ones, wildcards), the RoleBindings, bindings to
 * the agent's ServiceAccount that were not rendered (cluster-wide ones
 * included), the default-deny and egress NetworkPolicies and any other
 * policy that may allow more, the quota and the limit range.
 */
export function compareIsolation(
  rendered: RenderedAgent,
  live: LiveIsolationState,
): IsolationDifference[] {
  const ns = rendered.namespace;
  const differences: IsolationDifference[] = [];
  const objectsOf = (kind: string) =>
    rendered.objects.filter(o => o.kind === kind);

  const nsLabels = live.namespace?.metadata?.labels ?? {};
  for (const label of POD_SECURITY_LABELS) {
    if (nsLabels[label] !== 'restricted') {
      differences.push({
        kind: 'Namespace',
        name: ns,
        problem: 'changed',
        detail: `Namespace ${ns} has ${label}=${
          nsLabels[label] ?? '(unset)'
        }, expected restricted`,
      });
    }
  }
  if (nsLabels[AGENT_LABEL] !== rendered.name) {
    differences.push({
      kind: 'Namespace',
      name: ns,
      problem: 'changed',
      detail: `Namespace ${ns} lacks the label ${AGENT_LABEL}=${rendered.name}, so the admission policies do not guard it`,
    });
  }

  const missing = (obj: KubeObject, list: LiveObject[]) => {
    const found = find(list, obj.metadata.namespace, obj.metadata.name);
    if (!found) {
      differences.push({
        kind: obj.kind,
        namespace: obj.metadata.namespace,
        name: obj.metadata.name,
        problem: 'missing',
        detail: `${obj.kind} ${obj.metadata.namespace}/${obj.metadata.name} is rendered but not in the cluster`,
      });
    }
    return found;
  };

  for (const sa of objectsOf('ServiceAccount')) {
    missing(sa, live.serviceAccounts);
  }
  for (const role of objectsOf('Role')) {
    const found = missing(role, live.roles);
    if (found) differences.push(...compareRole(role, found));
  }
  const renderedBindings = objectsOf('RoleBinding');
  for (const binding of renderedBindings) {
    const found = missing(binding, live.roleBindings);
    if (!found) continue;
    const roleRef = binding.roleRef as { kind: string; name: string };
    if (
      found.roleRef?.kind !== roleRef.kind ||
      found.roleRef?.name !== roleRef.name
    ) {
      differences.push({
        kind: 'RoleBinding',
        namespace: binding.metadata.namespace,
        name: binding.metadata.name,
        problem: 'changed',
        detail: `RoleBinding ${binding.metadata.namespace}/${binding.metadata.name} refers to ${found.roleRef?.kind} ${found.roleRef?.name}, expected ${roleRef.kind} ${roleRef.name}`,
      });
    }
    if (!boundToAgent(found, ns, rendered.name)) {
      differences.push({
        kind: 'RoleBinding',
        namespace: binding.metadata.namespace,
        name: binding.metadata.name,
        problem: 'changed',
        detail: `RoleBinding ${binding.metadata.namespace}/${binding.metadata.name} does not bind the ServiceAccount ${ns}/${rendered.name}`,
      });
    }
  }
  for (const binding of live.roleBindings) {
    const isRendered = renderedBindings.some(
      b =>
        b.metadata.name === binding.metadata?.name &&
        b.metadata.namespace === binding.metadata?.namespace,
    );
    if (!isRendered && boundToAgent(binding, ns, rendered.name)) {
      differences.push({
        kind: 'RoleBinding',
        namespace: binding.metadata?.namespace,
        name: binding.metadata?.name ?? '',
        problem: 'unexpected',
        detail: `RoleBinding ${binding.metadata?.namespace}/${binding.metadata?.name} gives the agent's ServiceAccount ${binding.roleRef?.kind} ${binding.roleRef?.name}, which its tools do not declare`,
      });
    }
  }
  for (const binding of live.clusterRoleBindings ?? []) {
    if (boundToAgent(binding, ns, rendered.name)) {
      differences.push({
        kind: 'ClusterRoleBinding',
        name: binding.metadata?.name ?? '',
        problem: 'unexpected',
        detail: `ClusterRoleBinding ${binding.metadata?.name} gives the agent's ServiceAccount ClusterRole ${binding.roleRef?.name} across the cluster; agents get namespace-scoped RBAC only`,
      });
    }
  }

  const policies = live.networkPolicies.filter(
    p => p.metadata?.namespace === ns,
  );
  if (!policies.some(isDefaultDeny)) {
    const named = find(policies, ns, DEFAULT_DENY_POLICY);
    differences.push(
      named
        ? {
            kind: 'NetworkPolicy',
            namespace: ns,
            name: DEFAULT_DENY_POLICY,
            problem: 'changed',
            detail: `NetworkPolicy ${ns}/${DEFAULT_DENY_POLICY} does not deny all ingress and egress (policyTypes ${JSON.stringify(
              named.spec?.policyTypes ?? [],
            )}); the namespace has no default deny`,
          }
        : {
            kind: 'NetworkPolicy',
            namespace: ns,
            name: DEFAULT_DENY_POLICY,
            problem: 'missing',
            detail: `Namespace ${ns} has no default-deny NetworkPolicy: its pods may reach anything`,
          },
    );
  }
  const renderedPolicies = objectsOf('NetworkPolicy');
  for (const policy of renderedPolicies) {
    if (policy.metadata.name === DEFAULT_DENY_POLICY) continue;
    const found = find(policies, ns, policy.metadata.name);
    if (!found) {
      differences.push({
        kind: 'NetworkPolicy',
        namespace: ns,
        name: policy.metadata.name,
        problem: 'missing',
        detail: `NetworkPolicy ${ns}/${policy.metadata.name} (the agent's allowed egress) is rendered but not in the cluster`,
      });
    } else if (canonicalEgress(found.spec) !== canonicalEgress(policy.spec)) {
      differences.push({
        kind: 'NetworkPolicy',
        namespace: ns,
        name: policy.metadata.name,
        problem: 'changed',
        detail: `NetworkPolicy ${ns}/${policy.metadata.name} allows other egress than rendered (DNS, the gateway and the agent's MCP servers)`,
      });
    }
  }
  for (const policy of policies) {
    const name = policy.metadata?.name ?? '';
    if (
      !renderedPolicies.some(p => p.metadata.name === name) &&
      !isDefaultDeny(policy)
    ) {
      differences.push({
        kind: 'NetworkPolicy',
        namespace: ns,
        name,
        problem: 'unexpected',
        detail: `NetworkPolicy ${ns}/${name} was not rendered and may allow traffic the agent's entity does not declare`,
      });
    }
  }

  for (const quota of objectsOf('ResourceQuota')) {
    missing(quota, live.resourceQuotas);
  }
  for (const limits of objectsOf('LimitRange')) {
    missing(limits, live.limitRanges);
  }
  return differences;
}
