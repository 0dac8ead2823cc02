import { z } from 'zod';
import {
  selectorOf,
  summarizeDeployment,
  summarizeEvents,
  summarizePod,
} from '../workloads';
import { defineTool, kubernetesName, result } from './types';

export const getWorkload = defineTool({
  name: 'get_workload',
  title: 'Get a workload',
  description: `Show one deployment: desired/ready replicas, revision, images, each of its
pods (phase, readiness, restarts, and the problem if a pod is unhealthy), and
its most recent events (deployment, replica sets and pods), newest first.

Use it after list_workloads or health_check to see why a workload is degraded,
or after scale_deployment to confirm the pods came and went.

Example: { "namespace": "payments", "name": "payments" } →
"payments/payments: 3/3 ready, revision 2 … pods: payments-7c9d8-abcde Running ready …"`,
  inputSchema: {
    namespace: kubernetesName.describe('Namespace of the deployment'),
    name: kubernetesName.describe(
      "Deployment name (the component's backstage.io/kubernetes-id)",
    ),
    eventLimit: z
      .number()
      .int()
      .min(0)
      .max(100)
      .default(20)
      .describe('How many recent events to include (0-100, default 20)'),
  },
  annotations: {
    title: 'Get a workload',
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  permissions: [
    { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] },
    { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['list'] },
    { apiGroups: [''], resources: ['pods', 'events'], verbs: ['list'] },
  ],
  async handler({ namespace, name, eventLimit }, { clients }) {
    const deployment = await clients.apps.readNamespacedDeployment({
      name,
      namespace,
    });
    const selector = selectorOf(deployment);
    const [pods, replicaSets, events] = await Promise.all([
      clients.core.listNamespacedPod({ namespace, labelSelector: selector }),
      clients.apps.listNamespacedReplicaSet({
        namespace,
        labelSelector: selector,
      }),
      clients.core.listNamespacedEvent({ namespace }),
    ]);
    const podSummaries = pods.items.map(summarizePod);
    const related = new Set([
      `Deployment/${name}`,
      ...replicaSets.items.map(rs => `ReplicaSet/${rs.metadata?.name}`),
      ...pods.items.map(p => `Pod/${p.metadata?.name}`),
    ]);
    const recentEvents = summarizeEvents(
      events.items.filter(e =>
        related.has(`${e.involvedObject?.kind}/${e.involvedObject?.name}`),
      ),
      eventLimit ?? 20,
    );
    const workload = summarizeDeployment(deployment);
    const text = [
      `${namespace}/${name}: ${workload.ready}/${workload.desired} ready, ${
        podSummaries.length
      } pods${
        workload.revision ? `, revision ${workload.revision}` : ''
      }, images ${workload.images.join(', ')}`,
      'Pods:',
      ...podSummaries.map(
        p =>
          `  ${p.name} ${p.phase}${
            p.ready ? ' ready' : ' NOT ready'
          } restarts=${p.restarts}${
            p.problem
              ? ` problem=${p.problem}${p.detail ? ` (${p.detail})` : ''}`
              : ''
          }`,
      ),
      `Recent events (${recentEvents.length}):`,
      ...recentEvents.map(
        e =>
          `  ${e.type} ${e.reason} ${e.object}: ${e.message}${
            e.count > 1 ? ` (x${e.count})` : ''
          }`,
      ),
    ].join('\n');
    return result(text, { workload, pods: podSummaries, events: recentEvents });
  },
});
