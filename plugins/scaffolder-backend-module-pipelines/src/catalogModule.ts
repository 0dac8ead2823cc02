import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogLocationsExtensionPoint } from '@backstage/plugin-catalog-node';

/**
 * On the laptop (when `pilothouse.localRepositories.directory` is set), lets
 * `pilothouse:publishLocal` register the `catalog-info.yaml` it committed as a
 * `file` location; the catalog accepts only `url` locations by default, and
 * production (no local repositories) keeps it that way.
 */
export const catalogModuleLocalRepositories = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'local-repositories',
  register(reg) {
    reg.registerInit({
      deps: {
        locations: catalogLocationsExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ locations, config }) {
        if (config.has('pilothouse.localRepositories.directory')) {
          locations.setAllowedLocationTypes(['url', 'file']);
        }
      },
    });
  },
});
