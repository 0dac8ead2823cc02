import { z } from 'zod';
import { applicationName, argocdPermission, defineTool, result } from './types';

export const syncApplication = defineTool({
  name: 'sync_application',
  title: 'Sync an Argo CD application',
  description: `Sync an Argo CD application to its target revision (or a given one).
DESTRUCTIVE: it deploys to the cluster, and with prune deletes resources that
are no longer in Git.

Returns previousHistoryId, the history entry that was deployed before, and an
"undo" call (rollback_application to that id).

Example: { "name": "orders" } →
"Synced orders to 9c8d7e6 (history #3). Undo: rollback_application id=2"`,
  inputSchema: {
    name: applicationName.describe('Application name (argocd/app-name)'),
    revision: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Git revision to sync to; default the target revision'),
    prune: z
      .boolean()
      .default(false)
      .describe('Delete resources no longer in Git'),
  },
  annotations: {
    title: 'Sync an Argo CD application',
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: false,
    openWorldHint: false,
  },
  permissions: [argocdPermission('get'), argocdPermission('sync')],
  async handler({ name, revision, prune }, { clients, scope }) {
    const before = await clients.argocd.getApplication(name);
    const refused = scope.refuseApplication(before);
    if (refused) {
      return refused;
    }
    const previous = before.status?.history?.at(-1);
    const after = await clients.argocd.sync(name, { revision, prune });
    const current = after.status?.history?.at(-1);
    const undo =
      previous !== undefined
        ? {
            tool: 'rollback_application',
            arguments: { name, id: previous.id },
          }
        : undefined;
    return result(
      `Synced ${name} to ${
        after.status?.sync?.revision?.slice(0, 7) ?? 'its target'
      } (history #${current?.id ?? '?'}; operation ${
        after.status?.operationState?.phase ?? 'started'
      }).${undo ? ` Undo: rollback_application id=${previous!.id}` : ''}`,
      {
        name,
        previousHistoryId: previous?.id,
        previousRevision: previous?.revision,
        historyId: current?.id,
        revision: after.status?.sync?.revision,
        sync: after.status?.sync?.status,
        operationPhase: after.status?.operationState?.phase,
        undo,
      },
    );
  },
});
