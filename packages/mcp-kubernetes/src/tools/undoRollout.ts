import {
  PatchStrategy,
  setHeaderOptions,
  V1ReplicaSet,
} from '@kubernetes/client-node';
import { z } from 'zod';
import { toolError } from '../errors';
import { REVISION_ANNOTATION, selectorOf } from '../workloads';
import { defineTool, kubernetesName, result } from './types';

function revisionOf(rs: V1ReplicaSet): number {
  return Number(rs.metadata?.annotations?.[REVISION_ANNOTATION] ?? 0);
}

export const undoRollout = defineTool({
  name: 'undo_rollout',
  title: 'Undo a rollout',
  description: `Roll a deployment back to an earlier revision, like "kubectl rollout undo":
puts the pod template of that revision's ReplicaSet back, which replaces every
pod. Without toRevision it goes back to the revision before the current one.
DESTRUCTIVE.

Returns fromRevision and toRevision and an "undo" call that rolls forward again.

Example: { "namespace": "payments", "name": "payments" } →
"Rolled payments/payments back from revision 3 to revision 2 …"`,
  inputSchema: {
    namespace: kubernetesName.describe('Namespace of the deployment'),
    name: kubernetesName.describe('Deployment name'),
    toRevision: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Revision to return to; default the previous one'),
  },
  annotations: {
    title: 'Undo a rollout',
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
    { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['list'] },
  ],
  async handler({ namespace, name, toRevision }, { clients }) {
    const deployment = await clients.apps.readNamespacedDeployment({
      name,
      namespace,
    });
    const replicaSets = (
      await clients.apps.listNamespacedReplicaSet({
        namespace,
        labelSelector: selectorOf(deployment),
      })
    ).items.filter(rs =>
      rs.metadata?.ownerReferences?.some(
        ref => ref.uid === deployment.metadata?.uid,
      ),
    );
    const history = replicaSets.sort((a, b) => revisionOf(b) - revisionOf(a));
    const fromRevision = Number(
      deployment.metadata?.annotations?.[REVISION_ANNOTATION] ??
        revisionOf(history[0] ?? {}),
    );
    const target = toRevision
      ? history.find(rs => revisionOf(rs) === toRevision)
      : history.find(rs => revisionOf(rs) < fromRevision);
    const available = history.map(revisionOf).join(', ') || 'none';
    if (!target) {
      return toolError(
        toRevision
          ? `Revision ${toRevision} of ${namespace}/${name} was not found`
          : `${namespace}/${name} has no revision before ${fromRevision} to roll back to`,
        `revisions kept: ${available}; pass one of them as toRevision, or there is nothing to undo`,
      );
    }
    if (revisionOf(target) === fromRevision) {
      return toolError(
        `${namespace}/${name} is already at revision ${fromRevision}`,
        `choose another revision (kept: ${available})`,
      );
    }
    const template = structuredClone(target.spec!.template!);
    if (template.metadata?.labels) {
      delete template.metadata.labels['pod-template-hash'];
    }
    await clients.apps.patchNamespacedDeployment(
      {
        name,
        namespace,
        body: [{ op: 'replace', path: '/spec/template', value: template }],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    const to = revisionOf(target);
    return result(
      `Rolled ${namespace}/${name} back from revision ${fromRevision} to the template of revision ${to}. Undo: undo_rollout toRevision=${fromRevision}`,
      {
        namespace,
        name,
        fromRevision,
        toRevision: to,
        undo: {
          tool: 'undo_rollout',
          arguments: { namespace, name, toRevision: fromRevision },
        },
      },
    );
  },
});
