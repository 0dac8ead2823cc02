import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { RiFileList3Line } from '@remixicon/react';
import { LogSearchClient, logSearchApiRef } from './api';
import {
  assistantRouteRef,
  detectionRouteRef,
  detectionsRouteRef,
  rootRouteRef,
} from './routes';

const logSearchApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: logSearchApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new LogSearchClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * `/logs` (search), `/logs/detections` and `/logs/detections/:id`; the
 * title and icon also make its sidebar entry (`page:log-search`).
 */
const logsPage = PageBlueprint.make({
  params: {
    path: '/logs',
    title: 'Logs',
    icon: <RiFileList3Line />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/LogsPage').then(m => <m.LogSearchRoot />),
  },
});

/** A component's own logs, on its entity page. */
const entityLogsContent = EntityContentBlueprint.make({
  name: 'logs',
  params: {
    path: '/logs',
    title: 'Logs',
    filter: { kind: 'component' },
    loader: () =>
      import('./components/EntityLogsContent').then(m => (
        <m.EntityLogsContent />
      )),
  },
});

/** A component's open detections on its overview (empty when none). */
const recentDetectionsCard = EntityCardBlueprint.make({
  name: 'recent-detections',
  params: {
    filter: { kind: 'component' },
    loader: () =>
      import('./components/RecentDetectionsCard').then(m => (
        <m.RecentDetectionsCard />
      )),
  },
});

/** Log search and threat detections: pages, a Logs tab and a card. */
export default createFrontendPlugin({
  pluginId: 'log-search',
  title: 'Logs',
  icon: <RiFileList3Line />,
  info: { packageJson: () => import('../package.json') },
  routes: {
    root: rootRouteRef,
    detections: detectionsRouteRef,
    detection: detectionRouteRef,
  },
  externalRoutes: { assistant: assistantRouteRef },
  extensions: [logSearchApi, logsPage, entityLogsContent, recentDetectionsCard],
});
