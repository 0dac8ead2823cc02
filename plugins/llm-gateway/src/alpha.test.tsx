import { mockApis, renderTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { screen } from '@testing-library/react';
import llmGatewayPlugin from './alpha';
import { llmGatewayApiRef } from './api';
import { fakeGatewayApi } from './__testUtils__/renderGatewayTab';

function renderAt(path: string) {
  const api = fakeGatewayApi({
    verifyAudit: async () => ({
      ok: true,
      checked: 12,
      verifiedAt: '2026-11-25T10:00:00Z',
    }),
    queryAudit: async () => ({ records: [] }),
  });
  renderTestApp({
    features: [llmGatewayPlugin],
    initialRouteEntries: [path],
    apis: [
      [llmGatewayApiRef, api],
      [permissionApiRef, mockApis.permission()],
      [catalogApiRef, catalogApiMock()],
      mockApis.identity({ userEntityRef: 'user:default/carol' }),
    ],
  });
  return api;
}

describe('the AI Gateway page', () => {
  it('opens on the playground, with a tab for each part of the gateway', async () => {
    renderAt('/llm-gateway');

    expect(
      await screen.findByRole('textbox', { name: 'Text to inspect' }),
    ).toBeInTheDocument();
    for (const tab of [
      'Playground',
      'Detectors & rules',
      'Policies',
      'Providers',
      'Quotas',
      'Audit',
    ]) {
      expect(screen.getByRole('tab', { name: tab })).toBeInTheDocument();
    }
  });

  it('opens a tab by its own address', async () => {
    renderAt('/llm-gateway/audit');
    expect(
      await screen.findByText('Chain verified: 12 records'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('textbox', { name: 'Text to inspect' }),
    ).not.toBeInTheDocument();
  });
});
