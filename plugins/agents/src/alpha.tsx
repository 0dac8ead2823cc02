import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { RiRobot2Line } from '@remixicon/react';
import { AgentsClient, agentsApiRef } from './api';

const rootRouteRef = createRouteRef();

const agentsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: agentsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new AgentsClient({ discoveryApi, fetchApi }),
    }),
});

/** The page's title and icon also make its sidebar entry (`page:agents`). */
const agentsPage = PageBlueprint.make({
  params: {
    path: '/agents',
    title: 'Agents',
    icon: <RiRobot2Line />,
    routeRef: rootRouteRef,
    loader: () => import('./components/AgentsPage').then(m => <m.AgentsPage />),
  },
});

// Entity pages: the catalog's default entity page hosts these, each only on
// the kind it is about.
const agentOverviewCard = EntityCardBlueprint.make({
  name: 'agent-overview',
  params: {
    filter: { kind: 'Agent' },
    loader: () =>
      import('./components/AgentOverviewCard').then(m => (
        <m.AgentOverviewCard />
      )),
  },
});

const mcpServerOverviewCard = EntityCardBlueprint.make({
  name: 'mcpserver-overview',
  params: {
    filter: { kind: 'MCPServer' },
    loader: () =>
      import('./components/McpServerOverviewCard').then(m => (
        <m.McpServerOverviewCard />
      )),
  },
});

const agentToolsContent = EntityContentBlueprint.make({
  name: 'agent-tools',
  params: {
    path: '/tools',
    title: 'Tools',
    filter: { kind: 'Agent' },
    loader: () =>
      import('./components/AgentToolsContent').then(m => (
        <m.AgentToolsContent />
      )),
  },
});

const mcpServerToolsContent = EntityContentBlueprint.make({
  name: 'mcpserver-tools',
  params: {
    path: '/tools',
    title: 'Tools',
    filter: { kind: 'MCPServer' },
    loader: () =>
      import('./components/McpServerToolsContent').then(m => (
        <m.McpServerToolsContent />
      )),
  },
});

const isolationContent = EntityContentBlueprint.make({
  name: 'isolation',
  params: {
    path: '/isolation',
    title: 'Isolation',
    filter: { kind: 'Agent' },
    loader: () =>
      import('./components/IsolationContent').then(m => <m.IsolationContent />),
  },
});

const manifestsContent = EntityContentBlueprint.make({
  name: 'manifests',
  params: {
    path: '/manifests',
    title: 'Manifests',
    filter: { kind: 'Agent' },
    loader: () =>
      import('./components/ManifestsContent').then(m => <m.ManifestsContent />),
  },
});

const activityContent = EntityContentBlueprint.make({
  name: 'activity',
  params: {
    path: '/activity',
    title: 'Activity',
    filter: { kind: 'Agent' },
    loader: () =>
      import('./components/ActivityContent').then(m => <m.ActivityContent />),
  },
});

/** AI agents and MCP servers: the Agents page and their entity pages. */
export default createFrontendPlugin({
  pluginId: 'agents',
  title: 'Agents',
  icon: <RiRobot2Line />,
  info: { packageJson: () => import('../package.json') },
  routes: { root: rootRouteRef },
  extensions: [
    agentsApi,
    agentsPage,
    agentOverviewCard,
    mcpServerOverviewCard,
    agentToolsContent,
    mcpServerToolsContent,
    isolationContent,
    manifestsContent,
    activityContent,
  ],
});
