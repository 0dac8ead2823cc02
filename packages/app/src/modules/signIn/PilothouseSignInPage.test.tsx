import { screen, waitFor } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  PilothouseSignInPage,
  isProxyProblem,
  proxyErrorMessage,
} from './PilothouseSignInPage';
import { jsonResponse, mockBackend, session } from '../../testing/fakeBackend';

function responseError(serverMessage: string) {
  const error = new Error('Request failed with 500 Internal Server Error');
  (error as { cause?: unknown }).cause = new Error(serverMessage);
  return error;
}

describe('proxy sign-in errors', () => {
  it('treats "no user in the request" as no proxy, not as a problem', () => {
    expect(
      isProxyProblem(responseError('Request did not contain a user')),
    ).toBe(false);
  });

  it('reports other failures with the server message', () => {
    const error = responseError('Failed to sign-in, unable to resolve user');
    expect(isProxyProblem(error)).toBe(true);
    expect(proxyErrorMessage(error)).toBe(
      'Failed to sign-in, unable to resolve user',
    );
    expect(isProxyProblem(new Error('Failed to fetch'))).toBe(true);
    expect(proxyErrorMessage(new Error('Failed to fetch'))).toBe(
      'Failed to fetch',
    );
  });
});

describe('PilothouseSignInPage', () => {
  const originalFetch = global.fetch;
  afterEach(() => {
    global.fetch = originalFetch;
  });

  // The fallback pages are covered with the whole app, in App.test.tsx and
  // App.unknownProxyUser.test.tsx.
  it('signs in through the proxy without showing anything to click', async () => {
    const fetchMock = mockBackend(url =>
      url.endsWith('/oauth2Proxy/refresh')
        ? jsonResponse(200, session('user:default/alice', 'alice'))
        : undefined,
    );
    const onSignInSuccess = jest.fn();

    await renderInTestApp(
      <PilothouseSignInPage onSignInSuccess={onSignInSuccess} />,
    );

    await waitFor(() => expect(onSignInSuccess).toHaveBeenCalledTimes(1));
    const identity = onSignInSuccess.mock.calls[0][0];
    expect((await identity.getBackstageIdentity()).userEntityRef).toBe(
      'user:default/alice',
    );
    expect(fetchMock.mock.calls.map(([url]) => String(url))).toEqual([
      expect.stringMatching(/\/api\/auth\/oauth2Proxy\/refresh$/),
    ]);
    expect(screen.queryByRole('button', { name: 'Enter' })).toBeNull();
  });
});
