import type { Entity } from '@backstage/catalog-model';
import { renderTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { createTestEntityPage } from '@backstage/plugin-catalog-react/testUtils';
import { screen } from '@testing-library/react';
import sloPlugin from './alpha';
import { sloApiRef } from './api';
import {
  paymentsComponent,
  paymentsSloEntity,
  pilothouseComponent,
} from './__fixtures__/entities';
import {
  allSlos,
  fakeSloApi,
  paymentsHistory,
  paymentsRules,
  paymentsSlo,
} from './__fixtures__/slos';

function renderPlugin(options: { path: string; entity?: Entity }) {
  const sloApi = fakeSloApi({
    listSlos: async query => ({
      items: allSlos.filter(
        slo => !query?.targetRef || slo.targetRef === query.targetRef,
      ),
    }),
    getSlo: async () => paymentsSlo,
    getHistory: async () => ({
      entityRef: paymentsSlo.entityRef,
      points: paymentsHistory,
    }),
    getRules: async () => paymentsRules,
  });
  renderTestApp({
    features: [sloPlugin],
    extensions: options.entity
      ? [createTestEntityPage({ entity: options.entity })]
      : [],
    initialRouteEntries: [options.path],
    mountedRoutes: options.entity
      ? undefined
      : { '/catalog/:namespace/:kind/:name': entityRouteRef },
    apis: [[sloApiRef, sloApi]],
  });
  return sloApi;
}

describe('the SLO plugin', () => {
  it('serves the SLOs page at /slos', async () => {
    renderPlugin({ path: '/slos' });
    expect(
      await screen.findByRole('link', { name: 'Payments availability' }),
    ).toBeInTheDocument();
    expect(screen.getByText('Service level objectives')).toBeInTheDocument();
  });

  // The test entity page sits at `/`: `/slos` is the SLOs page's.
  it('adds an SLOs tab to a component an SLO measures', async () => {
    renderPlugin({ path: '/', entity: paymentsComponent });
    expect(
      await screen.findByRole('table', { name: 'Alerts per window pair' }),
    ).toBeInTheDocument();
  });

  it('adds no SLOs tab to a component without SLOs', async () => {
    const sloApi = renderPlugin({ path: '/', entity: pilothouseComponent });
    expect(await screen.findByTestId('empty-entity-page')).toBeInTheDocument();
    expect(sloApi.listSlos).not.toHaveBeenCalled();
    expect(sloApi.getSlo).not.toHaveBeenCalled();
  });

  it('puts the definition and the budget on an SLO’s page', async () => {
    const sloApi = renderPlugin({ path: '/', entity: paymentsSloEntity });
    expect(
      await screen.findByRole('table', { name: 'SLO' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('table', { name: 'Alerts per window pair' }),
    ).toBeInTheDocument();
    expect(sloApi.getSlo).toHaveBeenCalledWith(
      expect.objectContaining({
        namespace: 'default',
        name: 'payments-availability',
      }),
    );
  });
});
