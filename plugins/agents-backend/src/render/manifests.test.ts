import type {
  AgentEntity,
  McpToolSpec,
} from '@pilothouse/plugin-agentops-common';
import { parseAllDocuments } from 'yaml';
import {
  agentNamed,
  fixtureAgents,
  fixtureServers,
  seededAgents,
  seededServers,
} from '../__fixtures__';
import { validateKubernetesObject } from '../__testUtils__/validateKubernetesObject';
import {
  IRSA_ANNOTATION,
  KubeObject,
  renderAgentManifests,
  toYamlStream,
} from './manifests';
import { DEFAULT_ISOLATION_OPTIONS } from './options';
import { RenderRefusedError, mcpServerRefOf } from './permissions';

const render = (agent: AgentEntity) =>
  renderAgentManifests(agent, fixtureServers, DEFAULT_ISOLATION_OPTIONS);

const ofKind = (objects: KubeObject[], kind: string) =>
  objects.filter(o => o.kind === kind);

/** What the fixture's tools declare for this agent, worked out apart from the renderer: "group/resource" → verbs. */
function declaredVerbs(
  agent: AgentEntity,
  namespace?: string,
): Map<string, Set<string>> {
  const declared = new Map<string, Set<string>>();
  for (const use of agent.spec.mcpServers) {
    const server = fixtureServers.get(mcpServerRefOf(agent, use.server))!;
    if (namespace && !server.spec.scope?.namespaces?.includes(namespace)) {
      continue;
    }
    const tools = server.spec.tools.filter(
      (t: McpToolSpec) =>
        (!use.tools || use.tools.includes(t.name)) &&
        (agent.spec.allowDestructiveTools ||
          t.readOnly === true ||
          t.destructive === false),
    );
    for (const tool of tools) {
      for (const p of tool.permissions ?? []) {
        if (typeof p === 'object' && 'verbs' in p) {
          for (const g of p.apiGroups) {
            for (const r of p.resources) {
              const verbs = declared.get(`${g}/${r}`) ?? new Set<string>();
              p.verbs.forEach(v => verbs.add(v));
              declared.set(`${g}/${r}`, verbs);
            }
          }
        }
      }
    }
  }
  return declared;
}

describe('renderAgentManifests', () => {
  it.each(fixtureAgents.map(a => [a.metadata.name, a] as const))(
    '%s: every object validates against the Kubernetes and Argo CD schemas',
    (_name, agent) => {
      const { objects } = render(agent);
      expect(objects.map(o => o.kind)).toEqual(
        expect.arrayContaining([
          'Namespace',
          'ServiceAccount',
          'NetworkPolicy',
          'ResourceQuota',
          'LimitRange',
          'Deployment',
          'Application',
        ]),
      );
      for (const obj of objects) {
        expect(() => validateKubernetesObject(obj)).not.toThrow();
      }
    },
  );

  it.each(seededAgents.map(a => [a.metadata.name, a] as const))(
    'the seeded agent %s (catalog/agents.yaml) renders, and every object validates',
    (_name, agent) => {
      const { objects } = renderAgentManifests(
        agent,
        seededServers,
        DEFAULT_ISOLATION_OPTIONS,
      );
      expect(ofKind(objects, 'NetworkPolicy').length).toBeGreaterThan(0);
      for (const obj of objects) {
        expect(() => validateKubernetesObject(obj)).not.toThrow();
        expect(JSON.stringify(obj)).not.toMatch(/"verbs":\[[^\]]*"\*"/);
      }
    },
  );

  it('the schema check does catch a malformed object', () => {
    const { objects } = render(agentNamed('incident-triage'));
    const role = structuredClone(ofKind(objects, 'Role')[0]);
    (role.rules as any[])[0].verbs = 'get';
    expect(() => validateKubernetesObject(role)).toThrow(/verbs/);
  });

  it.each(fixtureAgents.map(a => [a.metadata.name, a] as const))(
    '%s: its Roles grant no verb beyond what its tools declare, and no wildcard',
    (_name, agent) => {
      const declared = declaredVerbs(agent);
      const { objects } = render(agent);
      for (const role of ofKind(objects, 'Role')) {
        for (const rule of role.rules as any[]) {
          for (const field of ['apiGroups', 'resources', 'verbs']) {
            expect(rule[field]).not.toContain('*');
          }
          for (const g of rule.apiGroups) {
            for (const r of rule.resources) {
              for (const v of rule.verbs) {
                expect([
                  `${g}/${r}`,
                  declared.get(`${g}/${r}`)?.has(v),
                ]).toEqual([`${g}/${r}`, true]);
              }
            }
          }
        }
      }
      // Nothing declared is left out either, in each namespace a server acts on.
      for (const role of ofKind(objects, 'Role')) {
        const granted = (role.rules as any[]).flatMap(rule =>
          rule.apiGroups.flatMap((g: string) =>
            rule.resources.flatMap((r: string) =>
              rule.verbs.map((v: string) => `${g}/${r}:${v}`),
            ),
          ),
        );
        const expected = [
          ...declaredVerbs(agent, role.metadata.namespace),
        ].flatMap(([k, verbs]) => [...verbs].map(v => `${k}:${v}`));
        expect(granted.sort()).toEqual(expected.sort());
      }
      expect(ofKind(objects, 'ClusterRole')).toEqual([]);
      expect(ofKind(objects, 'ClusterRoleBinding')).toEqual([]);
    },
  );

  it.each(fixtureAgents.map(a => [a.metadata.name, a] as const))(
    '%s: the namespace denies all ingress and egress by default and allows only DNS, the gateway and its MCP servers',
    (_name, agent) => {
      const { objects, namespace } = render(agent);
      const policies = ofKind(objects, 'NetworkPolicy');
      const deny = policies.find(p => p.metadata.name === 'default-deny')!;
      expect(deny.metadata.namespace).toBe(namespace);
      expect(deny.spec).toEqual({
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
      });
      const allow = policies.find(p => p.metadata.name !== 'default-deny')!;
      const spec = allow.spec as any;
      expect(spec.policyTypes).toEqual(['Egress']);
      expect(spec.ingress).toBeUndefined();
      const destinations = spec.egress.map(
        (rule: any) =>
          rule.to[0].namespaceSelector?.matchLabels[
            'kubernetes.io/metadata.name'
          ],
      );
      expect(destinations.slice(0, 2)).toEqual(['kube-system', 'pilothouse']);
      expect(spec.egress[0].ports).toEqual([
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ]);
      // The rest are the namespaces of its streamable-http MCP servers.
      expect(destinations.slice(2).every((d: string) => d === 'mcp')).toBe(
        true,
      );
      expect(policies).toHaveLength(2);
    },
  );

  it.each(fixtureAgents.map(a => [a.metadata.name, a] as const))(
    '%s: runs as non-root with a read-only root filesystem in a PodSecurity restricted namespace',
    (_name, agent) => {
      const { objects } = render(agent);
      const ns = ofKind(objects, 'Namespace')[0];
      expect(ns.metadata.namespace).toBeUndefined();
      expect(ns.metadata.labels).toMatchObject({
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pilothouse.io/agent': agent.metadata.name,
      });
      const pod = (ofKind(objects, 'Deployment')[0].spec as any).template.spec;
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.containers[0].securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      expect(pod.serviceAccountName).toBe(agent.metadata.name);
      expect(pod.containers[0].env).toContainEqual({
        name: 'PILOTHOUSE_GATEWAY_URL',
        value: DEFAULT_ISOLATION_OPTIONS.gateway.url,
      });
    },
  );

  it('merges the Kubernetes permissions of the chosen tools per namespace the server acts on', () => {
    const { objects } = render(agentNamed('incident-triage'));
    const roles = ofKind(objects, 'Role');
    expect(roles.map(r => r.metadata.namespace)).toEqual([
      'checkout',
      'payments',
      'platform',
    ]);
    expect(roles[0].metadata.name).toBe('pilothouse-agent-incident-triage');
    expect(roles[0].rules).toEqual([
      { apiGroups: [''], resources: ['events'], verbs: ['list'] },
      {
        apiGroups: [''],
        resources: ['namespaces', 'pods'],
        verbs: ['get', 'list'],
      },
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
      {
        apiGroups: ['apps'],
        resources: ['deployments'],
        verbs: ['get', 'list'],
      },
      { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['list'] },
    ]);
    const binding = ofKind(objects, 'RoleBinding')[0];
    expect(binding.subjects).toEqual([
      {
        kind: 'ServiceAccount',
        name: 'incident-triage',
        namespace: 'agent-incident-triage',
      },
    ]);
    const pod = (ofKind(objects, 'Deployment')[0].spec as any).template.spec;
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.containers[0].resources).toEqual({
      requests: { cpu: '200m', memory: '256Mi' },
      limits: { cpu: '1', memory: '1Gi' },
    });
    const quota = ofKind(objects, 'ResourceQuota')[0].spec as any;
    expect(quota.hard).toMatchObject({
      pods: '1',
      'limits.cpu': '1',
      'limits.memory': '1Gi',
    });
  });

  it('groups resources with the same verbs into one rule and keeps rollouts in their API group', () => {
    const { objects } = render(agentNamed('release-agent'));
    const payments = ofKind(objects, 'Role').find(
      r => r.metadata.namespace === 'payments',
    )!;
    expect(payments.rules).toEqual([
      { apiGroups: [''], resources: ['events', 'pods'], verbs: ['list'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['list'] },
      {
        apiGroups: ['argoproj.io'],
        resources: ['rollouts'],
        verbs: ['get', 'patch'],
      },
    ]);
    const checkout = ofKind(objects, 'Role').find(
      r => r.metadata.namespace === 'checkout',
    )!;
    // cicd acts on payments and platform only: no rollouts in checkout.
    expect(JSON.stringify(checkout.rules)).not.toContain('rollouts');
    const external = objects.find(
      o => o.metadata.name === 'release-agent-external-permissions',
    )!;
    expect((external.data as any)['argocd-permissions.txt']).toBe(
      'applications, get, <project>/<app>\napplications, sync, <project>/<app>\n',
    );
  });

  it('gives an AWS-only agent no Kubernetes RBAC and no token, and an IAM policy for the operator', () => {
    const { objects } = render(agentNamed('cost-report'));
    expect(ofKind(objects, 'Role')).toEqual([]);
    expect(ofKind(objects, 'RoleBinding')).toEqual([]);
    const sa = ofKind(objects, 'ServiceAccount')[0];
    expect(sa.metadata.annotations![IRSA_ANNOTATION]).toBe(
      'arn:aws:iam::<account-id>:role/pilothouse-agent-cost-report',
    );
    const pod = (ofKind(objects, 'Deployment')[0].spec as any).template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    const external = objects.find(
      o => o.metadata.name === 'cost-report-external-permissions',
    )!;
    const policy = JSON.parse((external.data as any)['aws-iam-policy.json']);
    expect(policy.Statement[0].Action).toEqual([
      'ec2:DescribeInstances',
      'ecs:DescribeServices',
      'lambda:ListFunctions',
      'rds:DescribeDBInstances',
    ]);
  });

  it('leaves out destructive tools of an agent that may not call them, and says so', () => {
    const agent = structuredClone(agentNamed('incident-triage'));
    agent.spec.mcpServers[0].tools!.push('scale_deployment');
    const rendered = render(agent);
    expect(JSON.stringify(ofKind(rendered.objects, 'Role'))).not.toContain(
      'deployments/scale',
    );
    expect(rendered.warnings).toContainEqual(
      expect.stringContaining('scale_deployment'),
    );
    const allowed = structuredClone(agent);
    allowed.spec.allowDestructiveTools = true;
    expect(JSON.stringify(ofKind(render(allowed).objects, 'Role'))).toContain(
      'deployments/scale',
    );
  });

  it('refuses to render a declared wildcard, naming the tool', () => {
    expect(() => render(agentNamed('greedy-agent'))).toThrow(
      RenderRefusedError,
    );
    expect(() => render(agentNamed('greedy-agent'))).toThrow(
      /tool do_anything of mcpserver:default\/greedy declares a wildcard permission/,
    );
  });

  it('refuses an unknown tool or MCP server', () => {
    expect(() => render(agentNamed('unknown-tool-agent'))).toThrow(
      /uses tool delete_cluster, which mcpserver:default\/kubernetes does not declare/,
    );
    expect(() => render(agentNamed('missing-server-agent'))).toThrow(
      /mcpserver:default\/does-not-exist, which is not in the catalog/,
    );
  });

  it('grants a cluster-scoped server only in the agent’s own namespace, and warns about it and its outside URL', () => {
    const rendered = render(agentNamed('cluster-reader'));
    expect(
      ofKind(rendered.objects, 'Role').map(r => r.metadata.namespace),
    ).toEqual(['agent-cluster-reader']);
    expect(rendered.warnings).toEqual([
      expect.stringContaining(
        'mcpserver:default/cluster-wide is cluster-scoped',
      ),
      expect.stringContaining('outside the cluster'),
    ]);
    const allow = ofKind(rendered.objects, 'NetworkPolicy')[1].spec as any;
    expect(allow.egress).toHaveLength(2);
  });

  it('deploys from Git with Argo CD, pruning and self-healing, into the rendered namespace', () => {
    const { objects } = render(agentNamed('pilothouse-assistant'));
    const app = ofKind(objects, 'Application')[0];
    expect(app.metadata.namespace).toBe('argocd');
    expect(app.spec).toEqual({
      project: 'pilothouse-agents',
      source: {
        repoURL: DEFAULT_ISOLATION_OPTIONS.gitops.repoUrl,
        targetRevision: 'main',
        path: 'agents/pilothouse-assistant',
      },
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: 'agent-pilothouse-assistant',
      },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['CreateNamespace=false'],
      },
    });
  });

  it('writes the objects as a YAML stream that reads back the same', () => {
    const rendered = render(agentNamed('release-agent'));
    const docs = parseAllDocuments(toYamlStream(rendered)).map(d => d.toJS());
    expect(docs).toEqual(rendered.objects);
  });
});
