import { compatWrapper, convertLegacyPlugin } from '@backstage/core-compat-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import {
  argocdPlugin as legacyArgocdPlugin,
  EntityArgoCDHistoryCard,
  EntityArgoCDOverviewCard,
  isArgocdAvailable,
} from '@roadiehq/backstage-plugin-argo-cd';

// Both are shown only for entities that name an Argo CD application (or a
// selector or project), so other entities get no "missing annotation" card.

/** Sync and health status of the entity's Argo CD applications, on the overview page. */
const argoCdOverviewCard = EntityCardBlueprint.make({
  name: 'overview',
  params: {
    filter: isArgocdAvailable,
    loader: async () => compatWrapper(<EntityArgoCDOverviewCard />),
  },
});

/** The deploy history (revision, author, message) on an "Argo CD" tab. */
const argoCdHistoryContent = EntityContentBlueprint.make({
  name: 'history',
  params: {
    path: '/argocd',
    title: 'Argo CD',
    group: 'deployment',
    filter: isArgocdAvailable,
    loader: async () => compatWrapper(<EntityArgoCDHistoryCard />),
  },
});

/**
 * The Roadie Argo CD plugin in the new frontend system: its API (which reads
 * Argo CD through the Backstage proxy at `/argocd/api`) plus the two
 * extensions above, built against this app's own frontend packages.
 */
export const argocdPlugin = convertLegacyPlugin(legacyArgocdPlugin, {
  extensions: [argoCdOverviewCard, argoCdHistoryContent],
});
