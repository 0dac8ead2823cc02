import { CoreV1Event, V1Deployment, V1Pod } from '@kubernetes/client-node';
import { z } from 'zod';
import {
  isRecent,
  summarizeDeployment,
  summarizeEvents,
  summarizePod,
} from '../workloads';
import { defineTool, kubernetesName, result } from './types';

/** Restarts above this count make a running pod worth reporting. */
const RESTART_THRESHOLD = 3;

interface Finding {
  severity: 'critical' | 'warning';
  kind:
    | 'CrashLoop'
    | 'Pending'
    | 'NotReady'
    | 'Restarting'
    | 'Degraded'
    | 'WarningEvents';
  namespace: string;
  object: string;
  message: string;
}

export const healthCheck = defineTool({
  name: 'health_check',
  title: 'Health check',
  description: `Check the health of one namespace or of every namespace in scope, and summarise
what is wrong: crash-looping containers, pending (unschedulable) pods, pods that
are not ready (failing readiness/liveness probes), frequently restarting pods,
deployments with fewer ready replicas than desired, and recent Warning events.

Returns a short text summary (critical findings first) and structured findings.
Follow up with get_workload and pod_logs (previous=true for crash loops).

Example: { "namespace": "platform" } →
"1 critical, 1 warning in platform: CrashLoop Pod/notifications-… back-off restarting failed container …"`,
  inputSchema: {
    namespace: kubernetesName
      .optional()
      .describe('Namespace to check; omit for all namespaces in scope'),
    warningWindowMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(60)
      .describe('How far back Warning events count, in minutes (default 60)'),
  },
  annotations: {
    title: 'Health check',
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  permissions: [
    { apiGroups: [''], resources: ['pods', 'events'], verbs: ['list'] },
    { apiGroups: ['apps'], resources: ['deployments'], verbs: ['list'] },
  ],
  async handler({ namespace, warningWindowMinutes }, { clients, scope }) {
    const namespaces = namespace ? [namespace] : scope.list;
    let pods: V1Pod[];
    let events: CoreV1Event[];
    let deployments: V1Deployment[];
    if (namespaces) {
      const perNamespace = await Promise.all(
        namespaces.map(async ns => ({
          pods: (await clients.core.listNamespacedPod({ namespace: ns })).items,
          events: (
            await clients.core.listNamespacedEvent({ namespace: ns })
          ).items,
          deployments: (
            await clients.apps.listNamespacedDeployment({ namespace: ns })
          ).items,
        })),
      );
      pods = perNamespace.flatMap(n => n.pods);
      events = perNamespace.flatMap(n => n.events);
      deployments = perNamespace.flatMap(n => n.deployments);
    } else {
      [pods, events, deployments] = await Promise.all([
        clients.core.listPodForAllNamespaces().then(l => l.items),
        clients.core.listEventForAllNamespaces().then(l => l.items),
        clients.apps.listDeploymentForAllNamespaces().then(l => l.items),
      ]);
    }

    const findings: Finding[] = [];
    for (const pod of pods) {
      const p = summarizePod(pod);
      const ns = pod.metadata?.namespace ?? '';
      const object = `Pod/${p.name}`;
      if (p.problem === 'CrashLoopBackOff') {
        findings.push({
          severity: 'critical',
          kind: 'CrashLoop',
          namespace: ns,
          object,
          message: `${p.detail ?? 'container keeps crashing'}; restarts=${
            p.restarts
          }`,
        });
      } else if (p.phase === 'Pending') {
        findings.push({
          severity: 'critical',
          kind: 'Pending',
          namespace: ns,
          object,
          message: `${p.problem ?? 'Pending'}: ${
            p.detail ?? 'not scheduled yet'
          }`,
        });
      } else if (!p.ready && p.phase === 'Running') {
        findings.push({
          severity: 'warning',
          kind: 'NotReady',
          namespace: ns,
          object,
          message: `${p.problem ?? 'NotReady'}: ${
            p.detail ?? 'containers not ready'
          }`,
        });
      } else if (p.restarts > RESTART_THRESHOLD) {
        findings.push({
          severity: 'warning',
          kind: 'Restarting',
          namespace: ns,
          object,
          message: `restarted ${p.restarts} times`,
        });
      }
    }
    for (const d of deployments.map(summarizeDeployment)) {
      if (d.ready < d.desired) {
        findings.push({
          severity: 'warning',
          kind: 'Degraded',
          namespace: d.namespace,
          object: `Deployment/${d.name}`,
          message: `${d.ready}/${d.desired} replicas ready`,
        });
      }
    }
    const windowMs = (warningWindowMinutes ?? 60) * 60_000;
    const warnings = events.filter(
      e => e.type === 'Warning' && isRecent(e, windowMs),
    );
    const byNamespace = new Map<string, CoreV1Event[]>();
    for (const e of warnings) {
      const ns = e.metadata?.namespace ?? '';
      byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), e]);
    }
    for (const [ns, list] of byNamespace) {
      const top = summarizeEvents(list, 3)
        .map(e => `${e.reason} ${e.object}: ${e.message}`)
        .join(' | ');
      findings.push({
        severity: 'warning',
        kind: 'WarningEvents',
        namespace: ns,
        object: `Namespace/${ns}`,
        message: `${list.length} Warning events in the last ${warningWindowMinutes} min, e.g. ${top}`,
      });
    }
    const rank = (f: Finding) => (f.severity === 'critical' ? 0 : 1);
    findings.sort((a, b) => rank(a) - rank(b));

    const where =
      namespace ?? (namespaces ? namespaces.join(', ') : 'the cluster');
    const critical = findings.filter(f => f.severity === 'critical').length;
    const warning = findings.length - critical;
    const healthy = findings.length === 0;
    const summary = healthy
      ? `Healthy: ${pods.length} pods and ${deployments.length} deployments in ${where}, no problems found.`
      : `${critical} critical, ${warning} warning in ${where} (${
          pods.length
        } pods, ${deployments.length} deployments):\n${findings
          .map(
            f =>
              `- [${f.severity}] ${f.kind} ${f.namespace}/${f.object}: ${f.message}`,
          )
          .join('\n')}`;
    return result(summary, {
      healthy,
      scope: where,
      counts: {
        pods: pods.length,
        deployments: deployments.length,
        critical,
        warning,
      },
      findings,
    });
  },
});
