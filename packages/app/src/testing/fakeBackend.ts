/**
 * Test helpers: a fake Pilothouse backend behind `fetch`, and the app config
 * the tests render the app with.
 */

export const BACKEND = 'http://localhost:7007';

/**
 * The app title deliberately differs from "Pilothouse", so text asserted as
 * "Pilothouse" can only come from the app's own code.
 */
export const TEST_APP_CONFIG = [
  {
    data: {
      app: {
        title: 'Test Portal',
        baseUrl: 'http://localhost:3000',
        // As in app-config.yaml: the home page is the root.
        extensions: [{ 'page:home': { config: { path: '/' } } }],
      },
      backend: { baseUrl: BACKEND },
    },
    context: 'test',
  },
];

export function useTestAppConfig() {
  process.env = {
    ...process.env,
    NODE_ENV: 'test',
    APP_CONFIG: TEST_APP_CONFIG as any,
  };
}

export function jsonResponse(status: number, body: unknown) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

/** A backend error response, shaped like Backstage's error handler's. */
export function errorResponse(status: number, name: string, message: string) {
  return jsonResponse(status, {
    error: { name, message },
    request: { method: 'GET', url: '/' },
    response: { statusCode: status },
  });
}

function fakeToken(userEntityRef: string) {
  const encode = (value: object) =>
    btoa(JSON.stringify(value))
      .replace(/=+$/, '')
      .replace(/\+/g, '-')
      .replace(/\//g, '_');
  return [
    encode({ typ: 'vnd.backstage.user', alg: 'ES256' }),
    encode({
      sub: userEntityRef,
      ent: [userEntityRef],
      exp: Math.floor(Date.now() / 1000) + 3600,
    }),
    'signature',
  ].join('.');
}

/** The body of a successful /api/auth/<provider>/refresh. */
export function session(userEntityRef: string, displayName: string) {
  return {
    profile: { displayName },
    providerInfo: {},
    backstageIdentity: {
      token: fakeToken(userEntityRef),
      identity: {
        type: 'user',
        userEntityRef,
        ownershipEntityRefs: [userEntityRef],
      },
    },
  };
}

/** What the auth backend answers when no proxy set the identity header. */
export const noProxyUser = () =>
  errorResponse(500, 'Error', 'Request did not contain a user');

export const refreshUrl = (provider: string) =>
  `${BACKEND}/api/auth/${provider}/refresh`;

/**
 * Replaces `fetch` with a fake backend: `route` answers what it knows,
 * everything else gets a 404. Returns the mock, to inspect its calls.
 */
export function mockBackend(route: (url: string) => Response | undefined) {
  const fetchMock = jest.fn(async (input: RequestInfo | URL) => {
    const url = String(input instanceof Request ? input.url : input);
    return route(url) ?? errorResponse(404, 'NotFoundError', `No ${url}`);
  });
  global.fetch = fetchMock as typeof fetch;
  return fetchMock;
}
