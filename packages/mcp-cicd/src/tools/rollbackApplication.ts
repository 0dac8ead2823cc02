import { z } from 'zod';
import { applicationName, argocdPermission, defineTool, result } from './types';
import { toolError } from '../errors';

export const rollbackApplication = defineTool({
  name: 'rollback_application',
  title: 'Roll back an Argo CD application',
  description: `Redeploy an earlier entry of an application's history (default: the one
before the current). DESTRUCTIVE: it changes what runs. Argo CD refuses it
while automated sync is on, and the app is OutOfSync afterwards.

Returns previousHistoryId, the entry deployed before the rollback, and an
"undo" call (rollback_application to that id).

Example: { "name": "orders", "id": 2 } →
"Rolled orders back to history #2 (3f4e5d6), now #4. Undo: rollback_application id=3"`,
  inputSchema: {
    name: applicationName.describe('Application name (argocd/app-name)'),
    id: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe(
        'History id to roll back to (get_application lists them); default the previous entry',
      ),
  },
  annotations: {
    title: 'Roll back an Argo CD application',
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: false,
    openWorldHint: false,
  },
  permissions: [argocdPermission('get'), argocdPermission('sync')],
  async handler({ name, id }, { clients, scope }) {
    const before = await clients.argocd.getApplication(name);
    const refused = scope.refuseApplication(before);
    if (refused) {
      return refused;
    }
    const history = before.status?.history ?? [];
    const previous = history.at(-1);
    const targetId = id ?? history.at(-2)?.id;
    if (targetId === undefined || !previous) {
      return toolError(
        `Application ${name} has no earlier deploy to roll back to`,
        'get_application shows its history; sync_application deploys a new revision instead',
      );
    }
    const target = history.find(h => h.id === targetId);
    if (!target) {
      return toolError(
        `Application ${name} has no history id ${targetId}`,
        `choose one of ${history
          .map(h => h.id)
          .join(', ')} (get_application lists them)`,
      );
    }
    const after = await clients.argocd.rollback(name, targetId);
    const current = after.status?.history?.at(-1);
    return result(
      `Rolled ${name} back to history #${targetId} (${target.revision.slice(
        0,
        7,
      )}), now #${current?.id ?? '?'}, ${
        after.status?.sync?.status ?? 'status unknown'
      }. Undo: rollback_application id=${previous.id}`,
      {
        name,
        rolledBackTo: targetId,
        revision: target.revision,
        previousHistoryId: previous.id,
        previousRevision: previous.revision,
        historyId: current?.id,
        sync: after.status?.sync?.status,
        undo: {
          tool: 'rollback_application',
          arguments: { name, id: previous.id },
        },
      },
    );
  },
});
