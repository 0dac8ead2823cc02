import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { OpenSloEntityProcessor } from './processor/OpenSloEntityProcessor';

const LOOKUP_CACHE_MS = 60_000;

/**
 * OpenSLO v1 documents (SLO, SLI, DataSource, AlertPolicy) as catalog
 * entities, with each SLO related to what it measures, its owner and system.
 */
export const catalogModuleOpenSlo = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'openslo',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        catalogApi: catalogServiceRef,
        auth: coreServices.auth,
        logger: coreServices.logger,
      },
      async init({ catalog, catalogApi, auth, logger }) {
        // The measured component's owner and system, read back from the
        // catalog; briefly cached, since every SLO is processed again and again.
        const cache = new Map<string, { at: number; entity?: Entity }>();
        const lookup = async (entityRef: string) => {
          const hit = cache.get(entityRef);
          if (hit && Date.now() - hit.at < LOOKUP_CACHE_MS) return hit.entity;
          try {
            const entity = await catalogApi.getEntityByRef(entityRef, {
              credentials: await auth.getOwnServiceCredentials(),
            });
            cache.set(entityRef, { at: Date.now(), entity });
            return entity;
          } catch (error) {
            // The catalog may not answer yet at start-up; the next pass relates it.
            logger.debug('could not read the entity an SLO measures', {
              entityRef,
              error: (error as Error).message,
            });
            return undefined;
          }
        };
        catalog.addProcessor(new OpenSloEntityProcessor({ lookup }));
      },
    });
  },
});
