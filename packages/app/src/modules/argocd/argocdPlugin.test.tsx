import { Entity } from '@backstage/catalog-model';
import { mockApis, renderTestApp } from '@backstage/frontend-test-utils';
import { createTestEntityPage } from '@backstage/plugin-catalog-react/testUtils';
import { screen } from '@testing-library/react';
import { BACKEND, jsonResponse } from '../../testing/fakeBackend';
import { argocdPlugin } from './argocdPlugin';

const PROXY = `${BACKEND}/api/proxy/argocd/api`;
// The cards are loaded lazily, which the first time in a test run is slow.
const LOADED = { timeout: 20_000 };
const PREVIOUS = 'c0ffee0000000000000000000000000000000002';
const DEPLOYED = 'c0ffee0000000000000000000000000000000003';
const hoursAgo = (hours: number) =>
  new Date(Date.now() - hours * 3_600_000).toISOString();

function component(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'payments-team' },
  };
}

/** An Application as Argo CD (and the sandbox) answers it. */
const paymentsApp = {
  metadata: { name: 'payments', namespace: 'argocd' },
  spec: { project: 'payments' },
  status: {
    sync: { status: 'Synced', revision: DEPLOYED },
    health: { status: 'Healthy' },
    operationState: {
      phase: 'Succeeded',
      startedAt: hoursAgo(1),
      finishedAt: hoursAgo(0.99),
    },
    history: [PREVIOUS, DEPLOYED].map((revision, id) => ({
      id,
      revision,
      deployStartedAt: hoursAgo(25 - id * 24),
      deployedAt: hoursAgo(24.99 - id * 24),
      source: { repoURL: 'https://github.com/pilothouse-demo/payments' },
    })),
  },
};

describe('Argo CD on entity pages', () => {
  const originalFetch = global.fetch;
  let fetchMock: jest.Mock;

  beforeEach(() => {
    fetchMock = jest.fn(async (input: RequestInfo | URL) => {
      const url = String(input);
      if (url === `${PROXY}/applications/payments`) {
        return jsonResponse(200, paymentsApp);
      }
      const revision = url.match(
        /\/applications\/payments\/revisions\/c0ffee0+(\d)\/metadata$/,
      );
      if (url.startsWith(PROXY) && revision) {
        return jsonResponse(200, {
          author: 'Pilothouse Demo <demo@example.com>',
          date: new Date().toISOString(),
          message: `Commit ${revision[1]} of pilothouse-demo/payments`,
        });
      }
      return jsonResponse(404, { message: `unexpected ${url}` });
    });
    global.fetch = fetchMock;
  });

  afterEach(() => {
    global.fetch = originalFetch;
  });

  function renderEntityPage(entity: Entity) {
    return renderTestApp({
      features: [argocdPlugin],
      extensions: [createTestEntityPage({ entity })],
      // As in app-config.yaml: the history lists every deploy Argo CD keeps.
      config: {
        backend: { baseUrl: BACKEND },
        argocd: { revisionsToLoad: 10 },
      },
      apis: [
        mockApis.discovery({ baseUrl: BACKEND }),
        mockApis.identity({ token: 'user-token' }),
      ],
    });
  }

  jest.setTimeout(60_000);

  it('shows the sync and health status and the deploy history of the annotated app, read through the proxy', async () => {
    renderEntityPage(component({ 'argocd/app-name': 'payments' }));

    // The overview card: the application with its sync and health status.
    expect(
      await screen.findByText('Synced', undefined, LOADED),
    ).toBeInTheDocument();
    expect(screen.getByText('Healthy')).toBeInTheDocument();
    expect(screen.getByText('ArgoCD overview')).toBeInTheDocument();

    // The history: each deploy with its commit's author and message.
    expect(
      await screen.findByText(
        'Commit 3 of pilothouse-demo/payments',
        undefined,
        LOADED,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Commit 2 of pilothouse-demo/payments'),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText('Pilothouse Demo <demo@example.com>'),
    ).toHaveLength(2);

    // Every request goes through the Backstage proxy with the user's token,
    // which the proxy requires.
    expect(fetchMock).toHaveBeenCalledWith(
      `${PROXY}/applications/payments`,
      expect.objectContaining({
        headers: expect.objectContaining({
          Authorization: 'Bearer user-token',
        }),
      }),
    );
    for (const [url] of fetchMock.mock.calls) {
      expect(String(url)).toMatch(`${PROXY}/applications/payments`);
    }
  });

  it('shows what went wrong when Argo CD cannot be reached', async () => {
    fetchMock.mockImplementation(async () =>
      jsonResponse(503, { message: 'unavailable' }),
    );
    renderEntityPage(component({ 'argocd/app-name': 'payments' }));

    expect(
      await screen.findAllByText(
        /Error occurred while fetching data.*status 503/,
        undefined,
        LOADED,
      ),
    ).not.toHaveLength(0);
    expect(screen.queryByText('Synced')).not.toBeInTheDocument();
  });

  it('adds no Argo CD card or tab to an entity without an Argo CD annotation', async () => {
    renderEntityPage(component({ 'backstage.io/kubernetes-id': 'payments' }));

    expect(
      await screen.findByTestId('empty-entity-page', undefined, LOADED),
    ).toBeInTheDocument();
    expect(screen.queryByText(/annotation/i)).not.toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
