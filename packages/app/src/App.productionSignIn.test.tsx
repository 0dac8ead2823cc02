import { render, screen } from '@testing-library/react';
import App from './App';
import {
  errorResponse,
  mockBackend,
  refreshUrl,
  TEST_APP_CONFIG,
} from './testing/fakeBackend';

describe('App in production, with the guest sign-in turned off', () => {
  const originalFetch = global.fetch;
  afterEach(() => {
    global.fetch = originalFetch;
  });

  it('offers no guest "Enter" and says the proxy did not identify the user', async () => {
    process.env = {
      ...process.env,
      NODE_ENV: 'test',
      APP_CONFIG: [
        ...TEST_APP_CONFIG,
        {
          data: { pilothouse: { signIn: { guest: false } } },
          context: 'production',
        },
      ] as any,
    };
    mockBackend(url =>
      url.startsWith(refreshUrl('oauth2Proxy'))
        ? errorResponse(
            401,
            'AuthenticationError',
            'Request did not contain a user',
          )
        : undefined,
    );

    render(App.createRoot());

    expect(
      await screen.findByRole('heading', { name: 'Sign in to Pilothouse' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Request did not contain a user'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Enter' }),
    ).not.toBeInTheDocument();
    expect(screen.queryByRole('navigation')).not.toBeInTheDocument();
  }, 30000);
});
