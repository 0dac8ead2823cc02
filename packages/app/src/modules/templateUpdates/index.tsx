import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { TEMPLATE_ANNOTATION } from './TemplateVersionCard';

/** Shown on entities generated from a template (they carry its annotation). */
const templateVersionCard = EntityCardBlueprint.make({
  name: 'template-version',
  params: {
    filter: { [`metadata.annotations.${TEMPLATE_ANNOTATION}`]: { $exists: true } },
    loader: () =>
      import('./TemplateVersionCard').then(m => <m.TemplateVersionCard />),
  },
});

/** The catalog's entity pages, with the card that says when a template has a newer version. */
export const templateUpdatesModule = createFrontendModule({
  pluginId: 'catalog',
  extensions: [templateVersionCard],
});
