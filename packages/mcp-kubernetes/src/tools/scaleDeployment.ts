import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { z } from 'zod';
import { defineTool, kubernetesName, result } from './types';

export const MAX_REPLICAS = 50;

export const scaleDeployment = defineTool({
  name: 'scale_deployment',
  title: 'Scale a deployment',
  description: `Set a deployment's replica count through its scale subresource. DESTRUCTIVE:
scaling down removes pods (and can take a service offline at 0).

Returns previousReplicas and an "undo" call (scale_deployment with the
previous count) so the change can be reverted.

Example: { "namespace": "payments", "name": "payments", "replicas": 5 } →
"Scaled payments/payments from 3 to 5 replicas. Undo: scale_deployment replicas=3"`,
  inputSchema: {
    namespace: kubernetesName.describe('Namespace of the deployment'),
    name: kubernetesName.describe('Deployment name'),
    replicas: z
      .number()
      .int()
      .min(0)
      .max(MAX_REPLICAS)
      .describe(`Desired replica count (0-${MAX_REPLICAS})`),
  },
  annotations: {
    title: 'Scale a deployment',
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: true,
    openWorldHint: false,
  },
  permissions: [
    {
      apiGroups: ['apps'],
      resources: ['deployments/scale'],
      verbs: ['get', 'patch'],
    },
  ],
  async handler({ namespace, name, replicas }, { clients }) {
    const before = await clients.apps.readNamespacedDeploymentScale({
      name,
      namespace,
    });
    const previousReplicas = before.spec?.replicas ?? 0;
    const after = await clients.apps.patchNamespacedDeploymentScale(
      { name, namespace, body: { spec: { replicas } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    return result(
      `Scaled ${namespace}/${name} from ${previousReplicas} to ${after.spec?.replicas} replicas. Undo: scale_deployment replicas=${previousReplicas}`,
      {
        namespace,
        name,
        previousReplicas,
        replicas: after.spec?.replicas ?? replicas,
        undo: {
          tool: 'scale_deployment',
          arguments: { namespace, name, replicas: previousReplicas },
        },
      },
    );
  },
});
