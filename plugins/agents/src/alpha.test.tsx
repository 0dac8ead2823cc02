import type { Entity } from '@backstage/catalog-model';
import { mockApis, renderTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  catalogApiMock,
  createTestEntityPage,
} from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { screen } from '@testing-library/react';
import agentsPlugin from './alpha';
import { agentsApiRef } from './api';
import {
  agentSummaries,
  allEntities,
  fakeAgentsApi,
  isolationReports,
  kubernetesServer,
  releaseAgent,
} from './__fixtures__/entities';

function renderPlugin(options: { path: string; entity?: Entity }) {
  const agentsApi = fakeAgentsApi({
    listAgents: async () => agentSummaries,
    getIsolation: async ref =>
      isolationReports[`agent:${ref.namespace}/${ref.name}`],
  });
  renderTestApp({
    features: [agentsPlugin],
    extensions: options.entity
      ? [createTestEntityPage({ entity: options.entity })]
      : [],
    initialRouteEntries: [options.path],
    // The test entity page mounts the entity route itself; the Agents page
    // links to the catalog's.
    mountedRoutes: options.entity
      ? undefined
      : { '/catalog/:namespace/:kind/:name': entityRouteRef },
    apis: [
      [agentsApiRef, agentsApi],
      [catalogApiRef, catalogApiMock({ entities: allEntities })],
      [permissionApiRef, mockApis.permission()],
    ],
  });
  return agentsApi;
}

describe('the Agents plugin', () => {
  it('serves the Agents page at /agents', async () => {
    renderPlugin({ path: '/agents' });
    expect(
      await screen.findByRole('table', { name: 'Agents and MCP servers' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByLabelText('Isolation: Drift'),
    ).toBeInTheDocument();
  });

  it('puts the agent card and tabs on an agent’s page', async () => {
    renderPlugin({ path: '/isolation', entity: releaseAgent });
    expect(
      await screen.findByRole('table', { name: 'Agent' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('table', { name: 'Differences' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'MCP server' }),
    ).not.toBeInTheDocument();
  });

  it('puts the MCP server card and its live tools on an MCP server’s page, and no agent parts', async () => {
    const agentsApi = renderPlugin({
      path: '/tools',
      entity: kubernetesServer,
    });
    expect(
      await screen.findByRole('table', { name: 'MCP server' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('table', { name: 'Declared and live tools' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Agent' }),
    ).not.toBeInTheDocument();
    expect(agentsApi.getIsolation).not.toHaveBeenCalled();
  });
});
