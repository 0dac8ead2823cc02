import type {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  type Entity,
  parseEntityRef,
  RELATION_MEMBER_OF,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DATA_CLASSIFICATION_ANNOTATION,
  type DataClass,
  type EntityContext,
  type Principal,
} from '@pilothouse/plugin-llm-gateway-common';
import type { EntityResolver } from '../types';
import { isDataClass } from './dataClass';
import type { SloStatusSource } from './SloStatusReader';

/** A DNS-1123 name, as Kubernetes and the catalog's names are. */
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Where a component's name appears in the world its tools act on. */
const NAMING_FIELDS = [
  'metadata.name',
  'metadata.annotations.backstage.io/kubernetes-id',
  'metadata.annotations.argocd/app-name',
];

/**
 * Looks entities up in the catalog with the caller's own credentials, so a
 * caller can only name an entity they can see, and reads its data class from
 * the entity's annotation: the caller never says what class their data is.
 */
export class CatalogEntityResolver implements EntityResolver {
  static create(options: {
    catalog: CatalogService;
    logger: LoggerService;
    /** The class of entities without the annotation. */
    defaultDataClass?: DataClass;
    /** For lookups with the gateway's own credentials (entitiesNamedBy). */
    auth?: AuthService;
    /** Whether an entity's SLO burns now (`request.entity.sloBurning`). */
    sloStatus?: SloStatusSource;
  }): CatalogEntityResolver {
    return new CatalogEntityResolver(
      options.catalog,
      options.logger,
      options.defaultDataClass ?? 'internal',
      options.auth,
      options.sloStatus,
    );
  }

  private constructor(
    private readonly catalog: CatalogService,
    private readonly logger: LoggerService,
    private readonly defaultDataClass: DataClass,
    private readonly auth?: AuthService,
    private readonly sloStatus?: SloStatusSource,
  ) {}

  /** The entity's context with whether its SLO burns, when SLOs are read. */
  private async withSlo(context: EntityContext): Promise<EntityContext> {
    if (!this.sloStatus) return context;
    return {
      ...context,
      sloBurning: await this.sloStatus.burning(context.ref),
    };
  }

  async resolve(
    entityRef: string,
    options: { credentials: BackstageCredentials },
  ): Promise<EntityContext> {
    const ref = toEntityRef(entityRef, 'component');
    const entity = await this.catalog.getEntityByRef(ref, options);
    if (!entity) {
      // The same answer whether it is missing or hidden from this caller.
      throw new NotFoundError(`No entity ${ref} in the catalog`);
    }
    return this.withSlo(this.contextOf(entity));
  }

  async entitiesNamedBy(values: string[]): Promise<EntityContext[]> {
    if (!this.auth) return [];
    // Words that can be a Kubernetes or catalog name; a handful at most.
    const names = [
      ...new Set(values.filter(v => v.length <= 253 && NAME.test(v))),
    ].slice(0, 20);
    if (names.length === 0) return [];
    const { items } = await this.catalog.getEntities(
      {
        filter: NAMING_FIELDS.map(field => ({
          kind: 'component',
          [field]: names,
        })),
      },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    return Promise.all(
      items.map(entity => this.withSlo(this.contextOf(entity))),
    );
  }

  private contextOf(entity: Entity): EntityContext {
    const namespace = entity.metadata.namespace ?? 'default';
    const spec = (entity.spec ?? {}) as Record<string, unknown>;
    return {
      ref: stringifyEntityRef(entity),
      kind: entity.kind,
      namespace,
      name: entity.metadata.name,
      ...optional('owner', this.ownerOf(entity, spec, namespace)),
      ...optional(
        'system',
        typeof spec.system === 'string'
          ? relativeRef(spec.system, 'system', namespace)
          : undefined,
      ),
      ...optional(
        'lifecycle',
        typeof spec.lifecycle === 'string' ? spec.lifecycle : undefined,
      ),
      dataClass: this.dataClassOf(entity),
    };
  }

  /**
   * A catalog user as the gateway would see them signed in: the user and
   * the groups they are a member of. For the policy playground.
   */
  async resolveUser(
    user: string,
    options: { credentials: BackstageCredentials },
  ): Promise<Principal> {
    const ref = toEntityRef(user, 'user');
    const entity = await this.catalog.getEntityByRef(ref, options);
    if (!entity || entity.kind.toLowerCase() !== 'user') {
      throw new NotFoundError(`No user ${ref} in the catalog`);
    }
    const namespace = entity.metadata.namespace ?? 'default';
    const memberOf = (entity.spec as { memberOf?: unknown } | undefined)
      ?.memberOf;
    const groups = new Set<string>([
      ...(entity.relations ?? [])
        .filter(r => r.type === RELATION_MEMBER_OF)
        .map(r => r.targetRef),
      ...(Array.isArray(memberOf) ? memberOf : [])
        .filter((g): g is string => typeof g === 'string')
        .map(g => relativeRef(g, 'group', namespace)),
    ]);
    const userRef = stringifyEntityRef(entity);
    return { ref: userRef, type: 'user', groups: [userRef, ...groups] };
  }

  private ownerOf(
    entity: Entity,
    spec: Record<string, unknown>,
    namespace: string,
  ): string | undefined {
    if (typeof spec.owner === 'string') {
      return relativeRef(spec.owner, 'group', namespace);
    }
    return entity.relations?.find(r => r.type === RELATION_OWNED_BY)?.targetRef;
  }

  private dataClassOf(entity: Entity): DataClass {
    const value = entity.metadata.annotations?.[DATA_CLASSIFICATION_ANNOTATION];
    if (value === undefined) {
      return this.defaultDataClass;
    }
    const normalized = value.trim().toLowerCase();
    if (isDataClass(normalized)) {
      return normalized;
    }
    // A class nobody recognises is treated as the most sensitive one, so a
    // typo cannot send data somewhere its owners did not mean it to go.
    this.logger.warn(
      'entity has an unknown data classification; treating it as restricted',
      {
        entity: stringifyEntityRef(entity),
        annotation: DATA_CLASSIFICATION_ANNOTATION,
        value,
      },
    );
    return 'restricted';
  }
}

function toEntityRef(ref: string, defaultKind: string): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' }),
    );
  } catch (error) {
    throw new InputError(
      `"${ref}" is not an entity reference: ${(error as Error).message}`,
    );
  }
}

function relativeRef(
  ref: string,
  defaultKind: string,
  defaultNamespace: string,
) {
  return stringifyEntityRef(
    parseEntityRef(ref, { defaultKind, defaultNamespace }),
  );
}

function optional<K extends string, V>(key: K, value: V | undefined) {
  return (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;
}
