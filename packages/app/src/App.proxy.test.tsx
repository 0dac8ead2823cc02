import { render, screen, within } from '@testing-library/react';
import App from './App';
import {
  jsonResponse,
  mockBackend,
  refreshUrl,
  session,
  useTestAppConfig,
} from './testing/fakeBackend';

describe('App behind the sign-in proxy', () => {
  const originalFetch = global.fetch;
  afterEach(() => {
    global.fetch = originalFetch;
  });

  it('signs the proxied user in without a click and shows only the working sidebar entries', async () => {
    useTestAppConfig();
    mockBackend(url => {
      if (url.startsWith(refreshUrl('oauth2Proxy'))) {
        return jsonResponse(200, session('user:default/alice', 'alice'));
      }
      return undefined;
    });

    render(App.createRoot());

    const nav = await screen.findByRole('navigation', {}, { timeout: 10000 });
    expect(
      screen.queryByRole('button', { name: 'Enter' }),
    ).not.toBeInTheDocument();

    const linkNames = within(nav)
      .getAllByRole('link')
      .map(link => link.getAttribute('aria-label'));
    expect(linkNames).toEqual([
      'Pilothouse home',
      'Home',
      'Catalog',
      'APIs',
      'Create',
      'Assistant',
      'Agents',
      'Logs',
      'SLOs',
      'AI Gateway',
      'Unprocessed Entities',
      'Notifications',
      'Settings',
    ]);
    // Search opens the search modal (lazy loaded).
    expect(
      await within(nav).findByRole('button', { name: 'Search' }),
    ).toBeInTheDocument();

    // The home page is Pilothouse's, with widgets in its default layout.
    // (jsdom has no layout, so the grid does not render the widgets
    // themselves; PilothouseWelcome.test.tsx covers the welcome card.)
    expect(
      await screen.findByRole('heading', { name: 'Pilothouse', level: 1 }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('The AI-native internal developer portal'),
    ).toBeInTheDocument();
    expect(await screen.findByRole('button', { name: 'Edit' })).toBeVisible();
    expect(screen.queryByText(/No widgets added/)).not.toBeInTheDocument();
  }, 30000);
});
