import { Application } from '../clients';

/** What a model needs of an application, without the full object. */
export function summarise(app: Application) {
  const history = app.status?.history ?? [];
  return {
    name: app.metadata.name,
    project: app.spec.project,
    namespace: app.spec.destination?.namespace,
    repoURL: app.spec.source?.repoURL,
    sync: app.status?.sync?.status ?? 'Unknown',
    health: app.status?.health?.status ?? 'Unknown',
    revision: app.status?.sync?.revision,
    currentHistoryId:
      history.length > 0 ? history[history.length - 1].id : undefined,
  };
}
