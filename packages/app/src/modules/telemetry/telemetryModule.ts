import {
  configApiRef,
  discoveryApiRef,
  fetchApiRef,
  identityApiRef,
} from '@backstage/core-plugin-api';
import { createFetchApi, FetchMiddlewares } from '@backstage/core-app-api';
import {
  ApiBlueprint,
  createFrontendModule,
} from '@backstage/frontend-plugin-api';
import { traceUserActions } from './traceUserActions';

/**
 * The app's fetch API as the app plugin builds it (plugin:// URLs, the
 * user's token), plus a `traceparent` on each user action. Same extension
 * id as the built-in one (api:app/fetch), so it replaces it.
 */
const fetchApi = ApiBlueprint.make({
  name: 'fetch',
  params: defineParams =>
    defineParams({
      api: fetchApiRef,
      deps: {
        configApi: configApiRef,
        identityApi: identityApiRef,
        discoveryApi: discoveryApiRef,
      },
      factory: ({ configApi, identityApi, discoveryApi }) =>
        createFetchApi({
          middleware: [
            FetchMiddlewares.resolvePluginProtocol({ discoveryApi }),
            FetchMiddlewares.injectIdentityAuth({
              identityApi,
              config: configApi,
            }),
            traceUserActions({
              backendBaseUrl: configApi.getString('backend.baseUrl'),
            }),
          ],
        }),
    }),
});

export const telemetryModule = createFrontendModule({
  pluginId: 'app',
  extensions: [fetchApi],
});
