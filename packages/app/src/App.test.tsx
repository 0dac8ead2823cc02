import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import App from './App';
import {
  mockBackend,
  jsonResponse,
  noProxyUser,
  refreshUrl,
  session,
  useTestAppConfig,
} from './testing/fakeBackend';

// One app instance per test file: the app keeps its signed-in identity, so
// each sign-in scenario has its own file.
describe('App without a sign-in proxy', () => {
  const originalFetch = global.fetch;
  afterEach(() => {
    global.fetch = originalFetch;
  });

  it('shows the Pilothouse sign-in page, and Enter signs in as guest', async () => {
    useTestAppConfig();
    const fetchMock = mockBackend(url => {
      if (url.startsWith(refreshUrl('oauth2Proxy'))) return noProxyUser();
      if (url.startsWith(refreshUrl('guest'))) {
        return jsonResponse(200, session('user:development/guest', 'Guest'));
      }
      return undefined;
    });

    render(App.createRoot());

    expect(
      await screen.findByRole('heading', { name: 'Sign in to Pilothouse' }),
    ).toBeInTheDocument();
    // The proxy was asked first, and its "no user" answer is not an error.
    expect(fetchMock).toHaveBeenCalledWith(
      refreshUrl('oauth2Proxy'),
      expect.anything(),
    );
    expect(
      screen.queryByText(/Single sign-on through the proxy failed/),
    ).not.toBeInTheDocument();
    expect(screen.queryByRole('navigation')).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Enter' }));

    expect(
      await screen.findByRole('link', { name: 'Catalog' }, { timeout: 10000 }),
    ).toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledWith(
      refreshUrl('guest'),
      expect.anything(),
    );
    expect(
      screen.queryByRole('heading', { name: 'Sign in to Pilothouse' }),
    ).not.toBeInTheDocument();
  }, 30000);
});
