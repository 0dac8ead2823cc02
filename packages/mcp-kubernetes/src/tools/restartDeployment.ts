import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { REVISION_ANNOTATION } from '../workloads';
import { defineTool, kubernetesName, result } from './types';

export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

export const restartDeployment = defineTool({
  name: 'restart_deployment',
  title: 'Restart a deployment',
  description: `Restart all pods of a deployment with a rolling update, like
"kubectl rollout restart": stamps the pod template with a restartedAt annotation,
which creates a new revision and replaces every pod. DESTRUCTIVE: in-flight
requests on old pods are cut.

Returns previousRevision and an "undo" call (undo_rollout back to it).

Example: { "namespace": "checkout", "name": "orders" } →
"Restarted checkout/orders (was revision 1). Undo: undo_rollout toRevision=1"`,
  inputSchema: {
    namespace: kubernetesName.describe('Namespace of the deployment'),
    name: kubernetesName.describe('Deployment name'),
  },
  annotations: {
    title: 'Restart a deployment',
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: false,
    openWorldHint: false,
  },
  permissions: [
    {
      apiGroups: ['apps'],
      resources: ['deployments'],
      verbs: ['get', 'patch'],
    },
  ],
  async handler({ namespace, name }, { clients }) {
    const before = await clients.apps.readNamespacedDeployment({
      name,
      namespace,
    });
    const revision = before.metadata?.annotations?.[REVISION_ANNOTATION];
    const previousRevision = revision ? Number(revision) : undefined;
    const restartedAt = new Date().toISOString();
    const after = await clients.apps.patchNamespacedDeployment(
      {
        name,
        namespace,
        body: {
          spec: {
            template: {
              metadata: {
                annotations: { [RESTARTED_AT_ANNOTATION]: restartedAt },
              },
            },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const newRevision = after.metadata?.annotations?.[REVISION_ANNOTATION];
    return result(
      `Restarted ${namespace}/${name} at ${restartedAt}${
        previousRevision ? ` (was revision ${previousRevision})` : ''
      }.${
        previousRevision
          ? ` Undo: undo_rollout toRevision=${previousRevision}`
          : ''
      }`,
      {
        namespace,
        name,
        restartedAt,
        ...(previousRevision ? { previousRevision } : {}),
        ...(newRevision && Number(newRevision) !== previousRevision
          ? { revision: Number(newRevision) }
          : {}),
        ...(previousRevision
          ? {
              undo: {
                tool: 'undo_rollout',
                arguments: { namespace, name, toRevision: previousRevision },
              },
            }
          : {}),
      },
    );
  },
});
