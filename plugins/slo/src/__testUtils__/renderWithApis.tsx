import type { Entity } from '@backstage/catalog-model';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { SloApi, sloApiRef } from '../api';

/**
 * Renders a part of the SLO plugin in a test app with the given SLO API
 * and, for entity pages, the entity in context.
 */
export function renderWithApis(
  element: JSX.Element,
  options: { sloApi: SloApi; entity?: Entity; url?: string },
) {
  return renderInTestApp(
    <TestApiProvider apis={[[sloApiRef, options.sloApi]]}>
      {options.entity ? (
        <EntityProvider entity={options.entity}>{element}</EntityProvider>
      ) : (
        element
      )}
    </TestApiProvider>,
    {
      ...(options.url ? { initialRouteEntries: [options.url] } : {}),
      // Entity links point at the catalog's entity pages.
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}
