import type { Entity } from '@backstage/catalog-model';
import { RELATION_MEASURED_BY } from '@pilothouse/plugin-slo-common';

/**
 * Whether an SLO measures the entity: the catalog relates the measured
 * entity to its SLOs (`measuredBy`). Synchronous, as the entity page's tab
 * filter must be.
 */
export function hasSlos(entity: Entity): boolean {
  return (entity.relations ?? []).some(
    relation =>
      relation.type === RELATION_MEASURED_BY &&
      relation.targetRef.startsWith('slo:'),
  );
}
