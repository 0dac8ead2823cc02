import type {
  AuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * What the local model knows of one catalog entity: enough to recognise it
 * in a sentence and to fill the arguments that tools take for it.
 */
export interface DirectoryEntity {
  /** `kind:namespace/name`, kind lower case as Backstage prints refs. */
  ref: string;
  kind: string;
  namespace: string;
  name: string;
  title?: string;
  owner?: string;
  /** `backstage.io/kubernetes-id`: the deployment's name. */
  kubernetesId?: string;
  /** `backstage.io/kubernetes-namespace`. */
  kubernetesNamespace?: string;
  /** `argocd/app-name`. */
  argocdApp?: string;
  /** `github.com/project-slug` (owner/name). */
  githubRepo?: string;
  /** `aws.amazon.com/resources`, e.g. `ecs:payments/payments-api`. */
  awsResources?: string[];
  /** SSM Automation documents of its "Runbook (SSM Automation): X" links. */
  runbooks?: string[];
}

/** The entities the local model may recognise; tests pass a fixed one. */
export interface EntityDirectory {
  list(): Promise<DirectoryEntity[]>;
}

const RUNBOOK_LINK = /^Runbook \(SSM Automation\):\s*(\S+)/;

export function directoryEntityOf(entity: Entity): DirectoryEntity {
  const annotations = entity.metadata.annotations ?? {};
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const runbooks = (entity.metadata.links ?? [])
    .map(link => RUNBOOK_LINK.exec(link.title ?? '')?.[1])
    .filter((name): name is string => Boolean(name));
  const awsResources = annotations['aws.amazon.com/resources']
    ?.split(',')
    .map(r => r.trim())
    .filter(Boolean);
  const entry: DirectoryEntity = {
    ref: stringifyEntityRef(entity),
    kind: entity.kind,
    namespace: entity.metadata.namespace ?? 'default',
    name: entity.metadata.name,
    title: entity.metadata.title,
    owner: typeof spec.owner === 'string' ? spec.owner : undefined,
    kubernetesId: annotations['backstage.io/kubernetes-id'],
    kubernetesNamespace: annotations['backstage.io/kubernetes-namespace'],
    argocdApp: annotations['argocd/app-name'],
    githubRepo: annotations['github.com/project-slug'],
    awsResources: awsResources?.length ? awsResources : undefined,
    runbooks: runbooks.length ? runbooks : undefined,
  };
  // Leave absent fields out, so that entries compare and print cleanly.
  return Object.fromEntries(
    Object.entries(entry).filter(([, v]) => v !== undefined),
  ) as DirectoryEntity;
}

/** A directory of fixed entities (tests, and callers without a catalog). */
export function staticEntityDirectory(entities: Entity[]): EntityDirectory {
  const list = entities.map(directoryEntityOf);
  return { list: async () => list };
}

/** Kinds a person names in a request to the assistant. */
const KINDS = ['Component', 'System', 'Resource', 'API', 'Group', 'User'];

const FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.annotations',
  'metadata.links',
  'spec.owner',
];

/**
 * The catalog's entities, read with the plugin's own service credentials
 * (names only: the model recognises them, while tools are still called with
 * the user's credentials and policy). Kept for `refreshMs`; a failed refresh
 * keeps the last good list.
 */
export class CatalogEntityDirectory implements EntityDirectory {
  private entries: DirectoryEntity[] = [];
  private loadedAt = 0;
  private loading?: Promise<DirectoryEntity[]>;

  static create(options: {
    catalog: CatalogService;
    auth: AuthService;
    logger: LoggerService;
    refreshMs?: number;
  }): CatalogEntityDirectory {
    return new CatalogEntityDirectory(
      options.catalog,
      options.auth,
      options.logger,
      options.refreshMs ?? 5 * 60_000,
    );
  }

  private constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly logger: LoggerService,
    private readonly refreshMs: number,
  ) {}

  async list(): Promise<DirectoryEntity[]> {
    if (this.loadedAt && Date.now() - this.loadedAt < this.refreshMs) {
      return this.entries;
    }
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(): Promise<DirectoryEntity[]> {
    try {
      const { items } = await this.catalog.getEntities(
        { filter: { kind: KINDS }, fields: FIELDS },
        { credentials: await this.auth.getOwnServiceCredentials() },
      );
      this.entries = items.map(directoryEntityOf);
      this.logger.debug('local model entity directory loaded', {
        entities: this.entries.length,
      });
    } catch (error) {
      this.logger.warn('local model could not read the catalog', {
        error: String(error),
        kept: this.entries.length,
      });
    }
    // A failure is retried after the same interval, not on every request.
    this.loadedAt = Date.now();
    return this.entries;
  }
}
