import type {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';

/** Whether an entity's SLO burns its error budget fast now. */
export interface SloStatusSource {
  burning(entityRef: string): Promise<boolean>;
}

/**
 * Reads `GET /api/slo/v1/status` (plugins/slo-backend) with the gateway's
 * own service credentials, cached briefly per entity. Fails safe: when the
 * status cannot be read (the SLO backend is down, slow or refuses), the
 * entity counts as burning, so policy asks rather than lets a risky change
 * through unnoticed.
 */
export class SloStatusReader implements SloStatusSource {
  private readonly cache = new Map<
    string,
    { at: number; burning: Promise<boolean> }
  >();

  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
      /** How long an answer is reused. Default 30 s. */
      cacheMs?: number;
      /** How long to wait for the SLO backend. Default 2 s. */
      timeoutMs?: number;
    },
  ) {}

  burning(entityRef: string): Promise<boolean> {
    const hit = this.cache.get(entityRef);
    const now = Date.now();
    if (hit && now - hit.at < (this.options.cacheMs ?? 30_000)) {
      return hit.burning;
    }
    const burning = this.read(entityRef);
    this.cache.set(entityRef, { at: now, burning });
    return burning;
  }

  private async read(entityRef: string): Promise<boolean> {
    const { discovery, auth, logger } = this.options;
    try {
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await auth.getOwnServiceCredentials(),
        targetPluginId: 'slo',
      });
      const base = await discovery.getBaseUrl('slo');
      const res = await fetch(
        `${base}/v1/status?entityRef=${encodeURIComponent(entityRef)}`,
        {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 2_000),
        },
      );
      if (!res.ok) {
        throw new Error(`${res.status} ${res.statusText}`);
      }
      const body = (await res.json()) as { burning?: unknown };
      if (typeof body.burning !== 'boolean') {
        throw new Error('the answer has no burning flag');
      }
      return body.burning;
    } catch (error) {
      logger.warn('SLO status unreadable; the entity counts as burning', {
        entityRef,
        error: (error as Error).message,
      });
      return true;
    }
  }
}
