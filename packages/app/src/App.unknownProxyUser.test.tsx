import { render, screen } from '@testing-library/react';
import App from './App';
import {
  errorResponse,
  mockBackend,
  refreshUrl,
  useTestAppConfig,
} from './testing/fakeBackend';

describe('App behind the sign-in proxy, for a user the catalog does not know', () => {
  const originalFetch = global.fetch;
  afterEach(() => {
    global.fetch = originalFetch;
  });

  it('says why single sign-on failed and still offers the guest sign-in', async () => {
    useTestAppConfig();
    mockBackend(url =>
      url.startsWith(refreshUrl('oauth2Proxy'))
        ? errorResponse(
            500,
            'Error',
            'Failed to sign-in, unable to resolve user identity.',
          )
        : undefined,
    );

    render(App.createRoot());

    expect(
      await screen.findByRole('heading', { name: 'Sign in to Pilothouse' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Single sign-on through the proxy failed/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Failed to sign-in, unable to resolve user identity.'),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Enter' })).toBeInTheDocument();
    expect(screen.queryByRole('navigation')).not.toBeInTheDocument();
  }, 30000);
});
