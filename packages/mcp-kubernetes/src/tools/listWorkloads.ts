import { V1Deployment } from '@kubernetes/client-node';
import { summarizeDeployment } from '../workloads';
import { defineTool, kubernetesName, result } from './types';

export const listWorkloads = defineTool({
  name: 'list_workloads',
  title: 'List workloads',
  description: `List deployments with their ready and desired replica counts, revision and images.

Give a namespace to list one namespace; omit it to list every namespace this
server may see (only the scoped ones when it runs with --scope).
A workload whose ready count is below desired is degraded; call get_workload
or health_check to find out why.

Example: { "namespace": "payments" } → "payments/payments 3/3 ready (revision 1)"`,
  inputSchema: {
    namespace: kubernetesName
      .optional()
      .describe('Namespace to list; omit for all namespaces in scope'),
  },
  annotations: {
    title: 'List workloads',
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  permissions: [
    { apiGroups: ['apps'], resources: ['deployments'], verbs: ['list'] },
  ],
  async handler({ namespace }, { clients, scope }) {
    let deployments: V1Deployment[];
    if (namespace) {
      deployments = (await clients.apps.listNamespacedDeployment({ namespace }))
        .items;
    } else if (scope.isClusterWide) {
      deployments = (await clients.apps.listDeploymentForAllNamespaces()).items;
    } else {
      const lists = await Promise.all(
        scope.list!.map(ns =>
          clients.apps.listNamespacedDeployment({ namespace: ns }),
        ),
      );
      deployments = lists.flatMap(l => l.items);
    }
    const workloads = deployments.map(summarizeDeployment);
    const lines = workloads.map(
      w =>
        `${w.namespace}/${w.name} ${w.ready}/${w.desired} ready${
          w.revision ? ` (revision ${w.revision})` : ''
        }${w.ready < w.desired ? ' — DEGRADED' : ''}`,
    );
    return result(
      workloads.length
        ? lines.join('\n')
        : `No deployments${namespace ? ` in ${namespace}` : ''}.`,
      { workloads },
    );
  },
});
