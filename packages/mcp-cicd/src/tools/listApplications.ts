import { z } from 'zod';
import { summarise } from './applications';
import { argocdPermission, defineTool, result } from './types';

export const listApplications = defineTool({
  name: 'list_applications',
  title: 'List Argo CD applications',
  description: `List Argo CD applications in scope with their sync status, health and
deployed revision. Filter by project or by label selector (the catalog's
argocd/app-selector annotation).

Example: { "project": "checkout" } →
"orders (checkout → checkout): OutOfSync, Healthy, revision 1a2b3c4"`,
  inputSchema: {
    project: z
      .string()
      .min(1)
      .optional()
      .describe('Only applications of this Argo CD project'),
    selector: z
      .string()
      .min(1)
      .max(500)
      .optional()
      .describe('Label selector, e.g. "backstage.io/kubernetes-id=payments"'),
  },
  annotations: {
    title: 'List Argo CD applications',
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  permissions: [argocdPermission('get')],
  async handler({ project, selector }, { clients, scope }) {
    const refused = project ? scope.refuse(project) : undefined;
    if (refused) {
      return refused;
    }
    const projects = project ? [project] : scope.list;
    const apps = (
      await clients.argocd.listApplications({ projects, selector })
    ).filter(app => scope.includes(app.spec.project));
    const items = apps.map(summarise);
    const text =
      items.length === 0
        ? 'No applications match.'
        : items
            .map(
              a =>
                `${a.name} (${a.project} → ${a.namespace}): ${a.sync}, ${
                  a.health
                }, revision ${a.revision?.slice(0, 7) ?? 'none'}`,
            )
            .join('\n');
    return result(text, { applications: items });
  },
});
