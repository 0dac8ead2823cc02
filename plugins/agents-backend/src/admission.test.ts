import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { fixtureAgents, fixtureServers } from './__fixtures__';
import { repoRoot } from './__testUtils__/sandbox';
import {
  AGENT_LABEL,
  DEFAULT_DENY_POLICY,
  KubeObject,
  POD_SECURITY_LABELS,
  renderAgentManifests,
} from './render/manifests';
import { DEFAULT_ISOLATION_OPTIONS } from './render/options';

const dir = path.join(repoRoot, 'deploy/admission/kyverno');

function policies(): Record<string, any> {
  const files = fs.readdirSync(dir).filter(f => f !== 'kustomization.yaml');
  return Object.fromEntries(
    files.map(file => {
      const docs = parseAllDocuments(
        fs.readFileSync(path.join(dir, file), 'utf8'),
      );
      for (const doc of docs) {
        expect([file, doc.errors]).toEqual([file, []]);
      }
      expect([file, docs.length]).toEqual([file, 1]);
      const policy = docs[0].toJS();
      return [policy.metadata.name, policy];
    }),
  );
}

/**
 * Whether a value satisfies a Kyverno validate pattern, for the subset the
 * policies use: maps, `=(key)` optional keys, lists whose one element
 * applies to every item, and literal scalars.
 */
function satisfies(pattern: any, value: any): boolean {
  if (Array.isArray(pattern)) {
    return (
      Array.isArray(value) &&
      value.every(item => pattern.every(p => satisfies(p, item)))
    );
  }
  if (pattern && typeof pattern === 'object') {
    if (!value || typeof value !== 'object') return false;
    return Object.entries(pattern).every(([key, sub]) => {
      const optional = /^=\((.+)\)$/.exec(key);
      const name = optional ? optional[1] : key;
      if (optional && !(name in value)) return true;
      return satisfies(sub, value[name]);
    });
  }
  return pattern === value;
}

const rendered = fixtureAgents.map(agent =>
  renderAgentManifests(agent, fixtureServers, DEFAULT_ISOLATION_OPTIONS),
);
const ofKind = (kind: string): KubeObject[] =>
  rendered.flatMap(r => r.objects.filter(o => o.kind === kind));

describe('Kyverno policies under deploy/admission/kyverno', () => {
  const all = policies();

  it('are well-formed ClusterPolicies, each listed in the kustomization, enforcing', () => {
    const kustomization = parseAllDocuments(
      fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'),
    )[0].toJS();
    expect(kustomization.resources.sort()).toEqual(
      fs
        .readdirSync(dir)
        .filter(f => f !== 'kustomization.yaml')
        .sort(),
    );
    expect(Object.keys(all).sort()).toEqual([
      'pilothouse-agent-default-deny',
      'pilothouse-agent-namespace-pod-security',
      'pilothouse-agent-no-cluster-role-bindings',
      'pilothouse-agent-pod-security',
      'pilothouse-agent-rbac-no-wildcards',
    ]);
    for (const policy of Object.values(all)) {
      expect(policy.apiVersion).toBe('kyverno.io/v1');
      expect(policy.kind).toBe('ClusterPolicy');
      expect(policy.spec.rules.length).toBeGreaterThan(0);
      for (const rule of policy.spec.rules) {
        expect(rule.match.any.length).toBeGreaterThan(0);
        expect(Boolean(rule.validate) !== Boolean(rule.generate)).toBe(true);
      }
      for (const rule of policy.spec.rules.filter((r: any) => r.validate)) {
        expect(rule.validate).toMatchObject({
          failureAction: 'Enforce',
          message: expect.any(String),
        });
      }
    }
  });

  it('key on the label the renderer puts on agent namespaces', () => {
    const text = JSON.stringify(Object.values(all));
    expect(text.split(AGENT_LABEL).length).toBeGreaterThan(10);
    for (const ns of ofKind('Namespace')) {
      expect(ns.metadata.labels![AGENT_LABEL]).toBeDefined();
    }
  });

  it('accept every rendered namespace, and refuse one without restricted PodSecurity', () => {
    const pattern =
      all['pilothouse-agent-namespace-pod-security'].spec.rules[0].validate
        .pattern;
    expect(Object.keys(pattern.metadata.labels).sort()).toEqual(
      [...POD_SECURITY_LABELS].sort(),
    );
    for (const ns of ofKind('Namespace')) {
      expect(satisfies(pattern, ns)).toBe(true);
    }
    const baseline = structuredClone(ofKind('Namespace')[0]);
    baseline.metadata.labels!['pod-security.kubernetes.io/enforce'] =
      'baseline';
    expect(satisfies(pattern, baseline)).toBe(false);
  });

  it('accept every rendered pod template, and refuse a writable root filesystem', () => {
    const pattern =
      all['pilothouse-agent-pod-security'].spec.rules[0].validate.pattern;
    for (const deployment of ofKind('Deployment')) {
      const pod = (deployment.spec as any).template;
      expect(satisfies(pattern, pod)).toBe(true);
      const writable = structuredClone(pod);
      writable.spec.containers[0].securityContext.readOnlyRootFilesystem =
        false;
      expect(satisfies(pattern, writable)).toBe(false);
    }
  });

  it('refuse wildcards in agent Roles and ClusterRole references in their bindings', () => {
    const [roles, bindings] =
      all['pilothouse-agent-rbac-no-wildcards'].spec.rules;
    const conditions = roles.validate.deny.conditions.any;
    expect(conditions.map((c: any) => c.key)).toEqual([
      expect.stringContaining('rules[].apiGroups[]'),
      expect.stringContaining('rules[].resources[]'),
      expect.stringContaining('rules[].verbs[]'),
    ]);
    for (const c of conditions) {
      expect(c).toMatchObject({ operator: 'AnyIn', value: ['*'] });
    }
    for (const binding of ofKind('RoleBinding')) {
      expect(satisfies(bindings.validate.pattern, binding)).toBe(true);
    }
    expect(
      satisfies(bindings.validate.pattern, {
        roleRef: { kind: 'ClusterRole', name: 'admin' },
      }),
    ).toBe(false);
  });

  it('refuse ClusterRoleBindings naming agent ServiceAccounts', () => {
    const rule = all['pilothouse-agent-no-cluster-role-bindings'].spec.rules[0];
    expect(rule.match.any[0].resources.kinds).toEqual(['ClusterRoleBinding']);
    expect(rule.context[0].apiCall.urlPath).toBe(
      `/api/v1/namespaces?labelSelector=${AGENT_LABEL}`,
    );
    expect(rule.validate.deny.conditions.any[0]).toMatchObject({
      operator: 'AnyIn',
      value: '{{ agentNamespaces }}',
    });
  });

  it('generate the same default-deny NetworkPolicy the renderer writes', () => {
    const generate =
      all['pilothouse-agent-default-deny'].spec.rules[0].generate;
    expect(generate).toMatchObject({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      name: DEFAULT_DENY_POLICY,
      synchronize: true,
    });
    for (const policy of ofKind('NetworkPolicy').filter(
      p => p.metadata.name === DEFAULT_DENY_POLICY,
    )) {
      expect(generate.data.spec).toEqual(policy.spec);
    }
  });
});
