import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  RELATION_OWNED_BY,
  RELATION_PART_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  OPENSLO_API_VERSION,
  OPENSLO_LABELS_ANNOTATION,
  parseOpenSlo,
  RELATION_MEASURES,
  SloDefinition,
} from '@pilothouse/plugin-slo-common';

/** One SLO entity with its definition (or why it has none). */
export interface SloEntry {
  entityRef: string;
  entity: Entity;
  title: string;
  description?: string;
  targetRef?: string;
  ownerRef?: string;
  systemRef?: string;
  /** The first objective's definition; absent when the entity cannot be read as OpenSLO. */
  definition?: SloDefinition;
  /** Problems of the definition, each naming its field. */
  problems: string[];
}

const SUPPORTING_KINDS = ['SLI', 'DataSource', 'AlertPolicy'];

/** The entity as the OpenSLO document it was written as (original labels back). */
function asDocument(entity: Entity): Record<string, unknown> {
  const original = entity.metadata.annotations?.[OPENSLO_LABELS_ANNOTATION];
  let labels: unknown = entity.metadata.labels;
  if (original) {
    try {
      labels = JSON.parse(original);
    } catch {
      // The processor wrote it; an edited one falls back to the catalog's labels.
    }
  }
  return {
    apiVersion: entity.apiVersion,
    kind: entity.kind,
    metadata: {
      name: entity.metadata.name,
      displayName: entity.metadata.displayName ?? entity.metadata.title,
      labels,
      annotations: entity.metadata.annotations,
    },
    spec: entity.spec,
  };
}

function relationTarget(entity: Entity, type: string): string | undefined {
  return entity.relations?.find(r => r.type === type)?.targetRef;
}

/**
 * Resolves SLO entities into definitions, with the SLI, DataSource and
 * AlertPolicy entities of the same namespace that they refer to.
 */
export function toEntries(slos: Entity[], supporting: Entity[]): SloEntry[] {
  const byNamespace = new Map<string, Entity[]>();
  for (const entity of supporting) {
    const ns = entity.metadata.namespace ?? 'default';
    byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), entity]);
  }
  return slos.map(entity => {
    const ns = entity.metadata.namespace ?? 'default';
    const { slos: definitions, problems } = parseOpenSlo([
      asDocument(entity),
      ...(byNamespace.get(ns) ?? []).map(asDocument),
    ]);
    const label = `SLO/${entity.metadata.name}`;
    const mine = definitions.filter(d => d.name === entity.metadata.name);
    return {
      entityRef: stringifyEntityRef(entity),
      entity,
      title:
        entity.metadata.title ??
        (entity.metadata.displayName as string | undefined) ??
        entity.metadata.name,
      description:
        (entity.spec?.description as string | undefined) ??
        entity.metadata.description,
      targetRef: relationTarget(entity, RELATION_MEASURES),
      ownerRef: relationTarget(entity, RELATION_OWNED_BY),
      systemRef: relationTarget(entity, RELATION_PART_OF),
      definition: mine[0],
      problems: problems
        .filter(p => p.document === label)
        .map(p => `${p.path}: ${p.message}`),
    };
  });
}

function isOpenSlo(entity: Entity) {
  return entity.apiVersion === OPENSLO_API_VERSION;
}

/** SLO entities read from the catalog with the given credentials. */
export class SloEntities {
  constructor(private readonly catalog: CatalogService) {}

  async list(credentials: BackstageCredentials): Promise<SloEntry[]> {
    const [slos, supporting] = await Promise.all([
      this.catalog.getEntities(
        { filter: { kind: 'SLO', apiVersion: OPENSLO_API_VERSION } },
        { credentials },
      ),
      this.catalog.getEntities(
        {
          filter: SUPPORTING_KINDS.map(kind => ({
            kind,
            apiVersion: OPENSLO_API_VERSION,
          })),
        },
        { credentials },
      ),
    ]);
    return toEntries(slos.items.filter(isOpenSlo), supporting.items);
  }

  /** NotFoundError naming the SLO when it is absent or hidden from the caller. */
  async get(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<SloEntry> {
    const entityRef = stringifyEntityRef(ref);
    const entity = await this.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity || entity.kind !== 'SLO' || !isOpenSlo(entity)) {
      throw new NotFoundError(`No SLO ${entityRef} in the catalog`);
    }
    const supporting = await this.catalog.getEntities(
      {
        filter: SUPPORTING_KINDS.map(kind => ({
          kind,
          apiVersion: OPENSLO_API_VERSION,
          'metadata.namespace': ref.namespace,
        })),
      },
      { credentials },
    );
    return toEntries([entity], supporting.items)[0];
  }

  /** The SLOs measuring `entityRef` (and the SLO itself when it is one). */
  async measuring(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<SloEntry[]> {
    const all = await this.list(credentials);
    return all.filter(
      e => e.targetRef === entityRef || e.entityRef === entityRef,
    );
  }
}
