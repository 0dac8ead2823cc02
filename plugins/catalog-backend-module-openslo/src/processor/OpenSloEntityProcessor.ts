import {
  CompoundEntityRef,
  Entity,
  getCompoundEntityRef,
  parseEntityRef,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_HAS_PART,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  RELATION_PART_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  LocationSpec,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  OPENSLO_API_VERSION,
  OPENSLO_KINDS,
  OPENSLO_LABELS_ANNOTATION,
  parseOpenSlo,
  RELATION_MEASURED_BY,
  RELATION_MEASURES,
  SLO_OWNER_ANNOTATION,
  SLO_SYSTEM_ANNOTATION,
  SLO_TARGET_ANNOTATION,
} from '@pilothouse/plugin-slo-common';

/** Reads the measured entity (its owner and system), or undefined when absent. */
export type TargetLookup = (entityRef: string) => Promise<Entity | undefined>;

// As @backstage/catalog-model's FieldFormatEntityPolicy accepts label values.
const LABEL_VALUE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

function isOpenSlo(entity: Entity): boolean {
  return (
    entity.apiVersion === OPENSLO_API_VERSION &&
    (OPENSLO_KINDS as readonly string[]).includes(entity.kind)
  );
}

/** The entity as an OpenSLO document, labels as written. */
function asDocument(entity: Entity): Record<string, unknown> {
  const original = entity.metadata.annotations?.[OPENSLO_LABELS_ANNOTATION];
  let labels: unknown = entity.metadata.labels;
  if (original) {
    try {
      labels = JSON.parse(original);
    } catch {
      labels = entity.metadata.labels;
    }
  }
  return {
    apiVersion: entity.apiVersion,
    kind: entity.kind,
    metadata: { ...entity.metadata, labels },
    spec: entity.spec,
  };
}

/**
 * Problems only the whole catalog can settle: references to other
 * documents (an SLI, a DataSource, an AlertPolicy) are separate entities,
 * so one entity alone cannot resolve them.
 */
function isCrossDocument(message: string): boolean {
  return /^no \w+ named /.test(message);
}

/** `indicatorRef`s of an SLO: the SLIs it depends on. */
function indicatorRefs(entity: Entity): string[] {
  const spec = (entity.spec ?? {}) as Record<string, any>;
  const refs = [spec.indicatorRef];
  for (const objective of Array.isArray(spec.objectives) ? spec.objectives : []) {
    refs.push(objective?.indicatorRef);
  }
  return [...new Set(refs.filter((r): r is string => typeof r === 'string' && !!r))];
}

/**
 * The OpenSLO kinds (SLO, SLI, DataSource, AlertPolicy of `openslo/v1`),
 * taken into the catalog as written: labels OpenSLO allows but Backstage
 * does not (lists) are kept in an annotation; each document is validated
 * with slo-common's OpenSLO parser (one sentence per problem, naming the
 * field); an SLO is related to the entity it measures (the component named
 * like its `spec.service`, or the `pilothouse.dev/slo-target` annotation),
 * to its owner and system (annotations, else the measured entity's), and to
 * the SLIs it refers to.
 */
export class OpenSloEntityProcessor implements CatalogProcessor {
  constructor(private readonly options: { lookup?: TargetLookup } = {}) {}

  getProcessorName(): string {
    return 'OpenSloEntityProcessor';
  }

  async preProcessEntity(entity: Entity): Promise<Entity> {
    if (!isOpenSlo(entity)) return entity;
    const metadata = { ...entity.metadata };
    const written = (metadata.labels ?? {}) as Record<string, unknown>;
    const labels: Record<string, string> = {};
    let kept = true;
    for (const [key, value] of Object.entries(written)) {
      const single =
        Array.isArray(value) && value.length === 1 ? value[0] : value;
      if (typeof single === 'string' && LABEL_VALUE.test(single)) {
        labels[key] = single;
      } else {
        kept = false;
      }
    }
    if (!kept && !metadata.annotations?.[OPENSLO_LABELS_ANNOTATION]) {
      metadata.annotations = {
        ...metadata.annotations,
        [OPENSLO_LABELS_ANNOTATION]: JSON.stringify(written),
      };
    }
    if (entity.metadata.labels !== undefined) {
      metadata.labels = labels;
    }
    if (!metadata.title && typeof metadata.displayName === 'string') {
      metadata.title = metadata.displayName;
    }
    return { ...entity, metadata };
  }

  async validateEntityKind(entity: Entity): Promise<boolean> {
    if (entity.apiVersion !== OPENSLO_API_VERSION) return false;
    if (!(OPENSLO_KINDS as readonly string[]).includes(entity.kind)) {
      return false;
    }
    const label = `${entity.kind}/${entity.metadata.name}`;
    const { problems } = parseOpenSlo([asDocument(entity)]);
    const messages = problems
      .filter(
        p =>
          p.document === label &&
          p.severity === 'invalid' &&
          !isCrossDocument(p.message),
      )
      .map(p => `${p.path} ${p.message}`);
    for (const key of [
      SLO_TARGET_ANNOTATION,
      SLO_OWNER_ANNOTATION,
      SLO_SYSTEM_ANNOTATION,
    ]) {
      const value = entity.metadata.annotations?.[key];
      if (value === undefined) continue;
      try {
        parseEntityRef(value, {
          defaultKind: 'Component',
          defaultNamespace: 'default',
        });
      } catch (error) {
        messages.push(
          `metadata.annotations.${key} is not an entity reference (${
            (error as Error).message
          })`,
        );
      }
    }
    if (messages.length) {
      throw new InputError(`${label}: ${messages.join('; ')}`);
    }
    return true;
  }

  async postProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    if (!isOpenSlo(entity) || entity.kind !== 'SLO') return entity;
    const self = getCompoundEntityRef(entity);
    const annotations = entity.metadata.annotations ?? {};
    const both = (
      target: CompoundEntityRef,
      outgoing: string,
      incoming: string,
    ) => {
      emit(processingResult.relation({ source: self, type: outgoing, target }));
      emit(processingResult.relation({ source: target, type: incoming, target: self }));
    };
    const refOf = (value: string, defaultKind: string) => {
      const ref = parseEntityRef(value, {
        defaultKind,
        defaultNamespace: self.namespace,
      });
      return { kind: ref.kind, namespace: ref.namespace, name: ref.name };
    };

    const service = (entity.spec as { service?: unknown } | undefined)?.service;
    const targetValue =
      annotations[SLO_TARGET_ANNOTATION] ??
      (typeof service === 'string' && service ? service : undefined);
    const target = targetValue ? refOf(targetValue, 'Component') : undefined;
    if (target) both(target, RELATION_MEASURES, RELATION_MEASURED_BY);

    let owner = annotations[SLO_OWNER_ANNOTATION];
    let system = annotations[SLO_SYSTEM_ANNOTATION];
    if (target && (!owner || !system) && this.options.lookup) {
      const measured = await this.options.lookup(stringifyEntityRef(target));
      const spec = (measured?.spec ?? {}) as Record<string, unknown>;
      const ns = measured?.metadata.namespace ?? 'default';
      if (!owner && typeof spec.owner === 'string') {
        owner = stringifyEntityRef(
          parseEntityRef(spec.owner, { defaultKind: 'Group', defaultNamespace: ns }),
        );
      }
      if (!system && typeof spec.system === 'string') {
        system = stringifyEntityRef(
          parseEntityRef(spec.system, { defaultKind: 'System', defaultNamespace: ns }),
        );
      }
    }
    if (owner) both(refOf(owner, 'Group'), RELATION_OWNED_BY, RELATION_OWNER_OF);
    if (system) both(refOf(system, 'System'), RELATION_PART_OF, RELATION_HAS_PART);
    for (const sli of indicatorRefs(entity)) {
      both(refOf(sli, 'SLI'), RELATION_DEPENDS_ON, RELATION_DEPENDENCY_OF);
    }
    return entity;
  }
}
