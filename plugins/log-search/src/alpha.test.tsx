import type { Entity } from '@backstage/catalog-model';
import { renderTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  catalogApiMock,
  createTestEntityPage,
} from '@backstage/plugin-catalog-react/testUtils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import logSearchPlugin from './alpha';
import { logSearchApiRef } from './api';
import {
  auditEvent,
  cloudTrailDetection,
  deniedToolsDetection,
  fakeLogSearchApi,
  paymentsErrors,
  paymentsHistogram,
  rules,
  secretsDetection,
} from './__fixtures__/logs';

const payments: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', namespace: 'default' },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/payments-team',
  },
};

const carol: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'carol', namespace: 'default' },
  spec: { profile: { displayName: 'Carol' } },
};

function renderPlugin(options: {
  path: string;
  entity?: Entity;
  api: ReturnType<typeof fakeLogSearchApi>;
}) {
  renderTestApp({
    features: [logSearchPlugin],
    extensions: options.entity
      ? [createTestEntityPage({ entity: options.entity })]
      : [],
    initialRouteEntries: [options.path],
    mountedRoutes: options.entity
      ? undefined
      : { '/catalog/:namespace/:kind/:name': entityRouteRef },
    apis: [
      [logSearchApiRef, options.api],
      [catalogApiRef, catalogApiMock({ entities: [payments, carol] })],
    ],
  });
}

describe('the log search plugin', () => {
  it('serves the Logs page at /logs, searching the query of the link', async () => {
    const api = fakeLogSearchApi({
      search: async () => ({ events: paymentsErrors, total: 2 }),
      histogram: async () => paymentsHistogram,
    });
    renderPlugin({
      path: `/logs?${new URLSearchParams({ q: 'service:payments' })}`,
      api,
    });
    expect(
      await screen.findByRole('table', { name: 'Log events' }),
    ).toBeInTheDocument();
    expect(api.search).toHaveBeenCalledWith(
      expect.objectContaining({ q: 'service:payments' }),
    );
    expect(screen.getByRole('tab', { name: 'Logs' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
  });

  it('lists open detections most severe first, counts them per level, and filters by level', async () => {
    const api = fakeLogSearchApi({
      listDetections: async () => [
        deniedToolsDetection,
        secretsDetection,
        cloudTrailDetection,
      ],
      listRules: async () => rules,
    });
    renderPlugin({ path: '/logs/detections', api });

    const table = await screen.findByRole('table', { name: 'Detections' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(
      rows.map(row => within(row).getAllByRole('cell')[1].textContent),
    ).toEqual([
      expect.stringContaining('Kubernetes Secrets Enumeration'),
      expect.stringContaining('Repeated denied tool calls by one user'),
      expect.stringContaining('AWS CloudTrail Important Change'),
    ]);
    expect(api.listDetections).toHaveBeenCalledWith(
      expect.objectContaining({ status: 'open' }),
    );
    const counts = screen.getByRole('group', { name: 'Detections per level' });
    expect(
      within(counts).getByRole('button', { name: 'high: 1' }),
    ).toBeInTheDocument();
    expect(
      within(counts).getByRole('button', { name: 'medium: 2' }),
    ).toBeInTheDocument();
    expect(
      within(counts).getByRole('button', { name: 'critical: 0' }),
    ).toBeInTheDocument();
    expect(screen.getByText(/kubernetes 11 of 12 running/)).toBeInTheDocument();

    await userEvent.click(
      within(counts).getByRole('button', { name: 'medium: 2' }),
    );
    await waitFor(() =>
      expect(within(table).getAllByRole('row')).toHaveLength(3),
    );
    expect(
      within(table).queryByText('Kubernetes Secrets Enumeration'),
    ).not.toBeInTheDocument();

    // The ATT&CK technique links to MITRE's page.
    expect(
      within(table).getByRole('link', { name: 'T1562.001' }),
    ).toHaveAttribute('href', 'https://attack.mitre.org/techniques/T1562/001/');
  });

  it('opens a detection with its rule and events, and acknowledging it records who and the note', async () => {
    const acknowledged = {
      ...secretsDetection,
      status: 'acknowledged' as const,
      acknowledgedBy: 'user:default/carol',
      acknowledgedAt: '2026-11-27T10:10:00.000Z',
      note: 'Looking into the payments service account',
    };
    const api = fakeLogSearchApi({
      getDetection: async () => ({
        detection: secretsDetection,
        events: [auditEvent],
      }),
      listRules: async () => rules,
      acknowledgeDetection: async () => ({
        detection: acknowledged,
        events: [auditEvent],
      }),
    });
    renderPlugin({ path: '/logs/detections/d1', api });

    expect(
      await screen.findByRole('heading', {
        name: 'Kubernetes Secrets Enumeration',
      }),
    ).toBeInTheDocument();
    const details = screen.getByRole('table', { name: 'Detection' });
    expect(
      within(details).getByRole('link', { name: 'T1552.007' }),
    ).toBeInTheDocument();
    expect(within(details).getByText('credential access')).toBeInTheDocument();
    expect(
      await within(details).findByText(/detection rule in the kubernetes pack/),
    ).toBeInTheDocument();
    const events = screen.getByRole('table', { name: 'Matching events' });
    expect(within(events).getByText('list secrets')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Acknowledge' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: 'Note (optional)' }),
      'Looking into the payments service account',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Acknowledge' }),
    );

    await waitFor(() =>
      expect(api.acknowledgeDetection).toHaveBeenCalledWith(
        'd1',
        'Looking into the payments service account',
      ),
    );
    const handling = await screen.findByRole('alert', { name: 'Handling' });
    expect(handling).toHaveTextContent(/Acknowledged by\s*carol/);
    expect(handling).toHaveTextContent(
      new Date('2026-11-27T10:10:00.000Z').toLocaleString(),
    );
    expect(handling).toHaveTextContent(
      'Note: Looking into the payments service account',
    );
    expect(
      screen.queryByRole('button', { name: 'Acknowledge' }),
    ).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Resolve' })).toBeInTheDocument();
  });

  it('puts a Logs tab on a component’s page, scoped to that component, and its open detections on the overview', async () => {
    const api = fakeLogSearchApi({
      search: async () => ({ events: paymentsErrors, total: 2 }),
      histogram: async () => paymentsHistogram,
      listDetections: async () => [secretsDetection],
    });
    // The test entity page renders its only content at once, whatever the path.
    renderPlugin({ path: '/', entity: payments, api });
    expect(
      await screen.findByRole('table', { name: 'Log events' }),
    ).toBeInTheDocument();
    expect(api.search).toHaveBeenCalledWith(
      expect.objectContaining({ q: 'service:payments' }),
    );
    const card = await screen.findByRole('list', { name: 'Open detections' });
    expect(
      within(card).getByRole('link', {
        name: 'Kubernetes Secrets Enumeration',
      }),
    ).toHaveAttribute('href', '/logs/detections/d1');
    expect(api.listDetections).toHaveBeenCalledWith({
      status: 'open',
      entityRef: 'component:default/payments',
    });
  });
});
