import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/** Maps a service name to the catalog component it is, when there is one. */
export interface EntityMapper {
  entityRefOf(service: string): Promise<string | undefined>;
}

const DEFAULT_TTL_MS = 5 * 60_000;
const MAX_ENTRIES = 10_000;

/** Catalog entity names: letters, digits, `-`, `_`, `.`, at most 63 long. */
const ENTITY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/**
 * `component:default/<service.name>` when that component exists in the
 * catalog, looked up with the plugin's own credentials and cached (misses
 * too) so that ingest asks the catalog once per service per few minutes.
 */
export class CatalogEntityMapper implements EntityMapper {
  private readonly cache = new Map<
    string,
    { expires: number; ref: Promise<string | undefined> }
  >();

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly logger: LoggerService,
    private readonly ttlMs = DEFAULT_TTL_MS,
  ) {}

  async entityRefOf(service: string): Promise<string | undefined> {
    const name = service.trim().toLowerCase();
    if (!ENTITY_NAME.test(name)) return undefined;
    const now = Date.now();
    const cached = this.cache.get(name);
    if (cached && cached.expires > now) return cached.ref;
    if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
    const ref = this.lookup(name);
    this.cache.set(name, { expires: now + this.ttlMs, ref });
    return ref;
  }

  private async lookup(name: string): Promise<string | undefined> {
    const ref = `component:default/${name}`;
    try {
      const entity = await this.catalog.getEntityByRef(ref, {
        credentials: await this.auth.getOwnServiceCredentials(),
      });
      return entity ? ref : undefined;
    } catch (error) {
      // A catalog hiccup must not fail ingest: the event is kept unmapped.
      this.logger.warn('catalog lookup for a log service failed', {
        service: name,
        error: String(error),
      });
      this.cache.delete(name);
      return undefined;
    }
  }
}
