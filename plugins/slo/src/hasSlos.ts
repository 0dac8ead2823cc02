import type { Entity } from '@backstage/catalog-model';

/**
 * Whether an SLO measures the entity: the catalog relates SLO entities to
 * the component they measure, so the component carries a relation to an
 * `slo:` entity. Synchronous, as the entity page's tab filter must be.
 */
export function hasSlos(entity: Entity): boolean {
  return (entity.relations ?? []).some(relation =>
    relation.targetRef.startsWith('slo:'),
  );
}
