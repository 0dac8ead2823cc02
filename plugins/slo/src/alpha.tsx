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
import { RiPulseLine } from '@remixicon/react';
import { SloClient, sloApiRef } from './api';
import { hasSlos } from './hasSlos';

const rootRouteRef = createRouteRef();

const sloApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: sloApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new SloClient({ discoveryApi, fetchApi }),
    }),
});

/** The page's title and icon also make its sidebar entry (`page:slo`). */
const slosPage = PageBlueprint.make({
  params: {
    path: '/slos',
    title: 'SLOs',
    icon: <RiPulseLine />,
    routeRef: rootRouteRef,
    loader: () => import('./components/SlosPage').then(m => <m.SlosPage />),
  },
});

/** The SLO tab, only on entities (components, mostly) that an SLO measures. */
const componentSlosContent = EntityContentBlueprint.make({
  name: 'component-slos',
  params: {
    path: '/slos',
    title: 'SLOs',
    filter: hasSlos,
    loader: () =>
      import('./components/EntitySlosContent').then(m => (
        <m.EntitySlosContent />
      )),
  },
});

// The SLO entity page: its definition beside its budget, charts and rules.
const sloOverviewCard = EntityCardBlueprint.make({
  name: 'slo-overview',
  params: {
    filter: { kind: 'SLO' },
    type: 'info',
    loader: () =>
      import('./components/SloEntityCards').then(m => <m.SloOverviewCard />),
  },
});

const sloDetailsCard = EntityCardBlueprint.make({
  name: 'slo-details',
  params: {
    filter: { kind: 'SLO' },
    type: 'content',
    loader: () =>
      import('./components/SloEntityCards').then(m => <m.SloDetailsContent />),
  },
});

/** SLOs: the SLOs page, the SLO tab of components and the SLO entity page. */
export default createFrontendPlugin({
  pluginId: 'slo',
  title: 'SLOs',
  icon: <RiPulseLine />,
  info: { packageJson: () => import('../package.json') },
  routes: { root: rootRouteRef },
  extensions: [
    sloApi,
    slosPage,
    componentSlosContent,
    sloOverviewCard,
    sloDetailsCard,
  ],
});
