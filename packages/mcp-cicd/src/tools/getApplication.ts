import { z } from 'zod';
import { summarise } from './applications';
import { applicationName, argocdPermission, defineTool, result } from './types';

export const getApplication = defineTool({
  name: 'get_application',
  title: 'Get an Argo CD application',
  description: `One Argo CD application: sync status, health, the last operation and the
deploy history (newest first; each entry's id is what rollback_application takes).

Example: { "name": "payments" } →
"payments: Synced, Healthy at 5e6f7a8; history: #2 5e6f7a8 …, #1 …, #0 …"`,
  inputSchema: {
    name: applicationName.describe('Application name (argocd/app-name)'),
    historyLimit: z
      .number()
      .int()
      .min(1)
      .max(50)
      .default(10)
      .describe('How many history entries to return (newest first)'),
  },
  annotations: {
    title: 'Get an Argo CD application',
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  permissions: [argocdPermission('get')],
  async handler({ name, historyLimit }, { clients, scope }) {
    const app = await clients.argocd.getApplication(name);
    const refused = scope.refuseApplication(app);
    if (refused) {
      return refused;
    }
    const history = [...(app.status?.history ?? [])]
      .reverse()
      .slice(0, historyLimit)
      .map(h => ({
        id: h.id,
        revision: h.revision,
        deployedAt: h.deployedAt,
      }));
    const op = app.status?.operationState;
    const summary = summarise(app);
    return result(
      `${name}: ${summary.sync}, ${summary.health} at ${
        summary.revision?.slice(0, 7) ?? 'no revision'
      }; last operation ${op?.phase ?? 'none'}${
        op?.message ? ` (${op.message})` : ''
      }; history: ${history
        .map(h => `#${h.id} ${h.revision.slice(0, 7)} ${h.deployedAt ?? ''}`)
        .join(', ')}`,
      {
        ...summary,
        healthMessage: app.status?.health?.message,
        operation: op
          ? {
              phase: op.phase,
              message: op.message,
              startedAt: op.startedAt,
              finishedAt: op.finishedAt,
              revision: op.syncResult?.revision,
            }
          : undefined,
        history,
      },
    );
  },
});
