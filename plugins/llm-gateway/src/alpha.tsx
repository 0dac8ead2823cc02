import { Content } from '@backstage/core-components';
import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
  SubPageBlueprint,
} from '@backstage/frontend-plugin-api';
import { RiShieldKeyholeLine } from '@remixicon/react';
import { LlmGatewayClient, llmGatewayApiRef } from './api';

const rootRouteRef = createRouteRef();

const llmGatewayApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: llmGatewayApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new LlmGatewayClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The page's title and icon also make its sidebar entry: the app's sidebar
 * takes `page:llm-gateway` from its nav items.
 */
const llmGatewayPage = PageBlueprint.make({
  params: {
    path: '/llm-gateway',
    title: 'AI Gateway',
    icon: <RiShieldKeyholeLine />,
    routeRef: rootRouteRef,
  },
});

// Each tab is a sub-page at its own URL, e.g. /llm-gateway/policies.
const playgroundTab = SubPageBlueprint.make({
  name: 'playground',
  params: {
    path: 'playground',
    title: 'Playground',
    loader: () =>
      import('./components/PlaygroundTab').then(m => (
        <Content>
          <m.PlaygroundTab />
        </Content>
      )),
  },
});

const detectorsTab = SubPageBlueprint.make({
  name: 'detectors',
  params: {
    path: 'detectors',
    title: 'Detectors & rules',
    loader: () =>
      import('./components/DetectorsTab').then(m => (
        <Content>
          <m.DetectorsTab />
        </Content>
      )),
  },
});

const policiesTab = SubPageBlueprint.make({
  name: 'policies',
  params: {
    path: 'policies',
    title: 'Policies',
    loader: () =>
      import('./components/PoliciesTab').then(m => (
        <Content>
          <m.PoliciesTab />
        </Content>
      )),
  },
});

const providersTab = SubPageBlueprint.make({
  name: 'providers',
  params: {
    path: 'providers',
    title: 'Providers',
    loader: () =>
      import('./components/ProvidersTab').then(m => (
        <Content>
          <m.ProvidersTab />
        </Content>
      )),
  },
});

const quotasTab = SubPageBlueprint.make({
  name: 'quotas',
  params: {
    path: 'quotas',
    title: 'Quotas',
    loader: () =>
      import('./components/QuotasTab').then(m => (
        <Content>
          <m.QuotasTab />
        </Content>
      )),
  },
});

const auditTab = SubPageBlueprint.make({
  name: 'audit',
  params: {
    path: 'audit',
    title: 'Audit',
    loader: () =>
      import('./components/AuditTab').then(m => (
        <Content>
          <m.AuditTab />
        </Content>
      )),
  },
});

/** The LLM security gateway's admin page, at /llm-gateway. */
export default createFrontendPlugin({
  pluginId: 'llm-gateway',
  title: 'AI Gateway',
  icon: <RiShieldKeyholeLine />,
  info: { packageJson: () => import('../package.json') },
  routes: { root: rootRouteRef },
  extensions: [
    llmGatewayApi,
    llmGatewayPage,
    playgroundTab,
    detectorsTab,
    policiesTab,
    providersTab,
    quotasTab,
    auditTab,
  ],
});
