import type { Entity } from '@backstage/catalog-model';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { SWRConfig } from 'swr';
import { AgentsApi, agentsApiRef } from '../api';
import { allEntities } from '../__fixtures__/entities';

/**
 * Renders a part of the Agents plugin in a test app with the fixture catalog,
 * the given agents API, and (for entity pages) the entity in context.
 */
export function renderWithApis(
  element: JSX.Element,
  options: {
    agentsApi: AgentsApi;
    entity?: Entity;
    url?: string;
    /** Whether the user may read everyone's gateway audit records. */
    auditor?: boolean;
  },
) {
  const permissionApi = mockApis.permission({
    authorize: () =>
      options.auditor ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
  });
  return renderInTestApp(
    // usePermission caches answers in SWR, which would carry one test's
    // permissions into the next.
    <SWRConfig value={{ provider: () => new Map() }}>
      <TestApiProvider
        apis={[
          [agentsApiRef, options.agentsApi],
          [catalogApiRef, catalogApiMock({ entities: allEntities })],
          [permissionApiRef, permissionApi],
        ]}
      >
        {options.entity ? (
          <EntityProvider entity={options.entity}>{element}</EntityProvider>
        ) : (
          element
        )}
      </TestApiProvider>
    </SWRConfig>,
    {
      ...(options.url ? { initialRouteEntries: [options.url] } : {}),
      // Entity links point at the catalog's entity pages.
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}
