import { V1Namespace } from '@kubernetes/client-node';
import { defineTool, result } from './types';

export const listNamespaces = defineTool({
  name: 'list_namespaces',
  title: 'List namespaces',
  description: `List the Kubernetes namespaces this server may see, with their phase and labels.

When the server runs with --scope, only the scoped namespaces are returned.
Use it first to find where a team's workloads live, then call list_workloads.

Example: {} → "payments (Active), checkout (Active), platform (Active)"`,
  inputSchema: {},
  annotations: {
    title: 'List namespaces',
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  permissions: [
    { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list'] },
  ],
  async handler(_args, { clients, scope }) {
    let namespaces: V1Namespace[];
    if (scope.isClusterWide) {
      namespaces = (await clients.core.listNamespace()).items;
    } else {
      // A scoped server usually has only namespace-level RBAC: read each one.
      namespaces = await Promise.all(
        scope.list!.map(name => clients.core.readNamespace({ name })),
      );
    }
    const items = namespaces.map(ns => ({
      name: ns.metadata?.name ?? '',
      phase: ns.status?.phase ?? 'Unknown',
      labels: ns.metadata?.labels ?? {},
    }));
    return result(
      items.length
        ? `${items.length} namespaces: ${items
            .map(n => `${n.name} (${n.phase})`)
            .join(', ')}`
        : 'No namespaces visible.',
      { namespaces: items },
    );
  },
});
