/**
 * How SLOs live in the Backstage catalog: OpenSLO v1 documents, as written,
 * are entities (`apiVersion: openslo/v1`, kinds SLO, SLI, DataSource,
 * AlertPolicy); `plugins/catalog-backend-module-openslo` validates them and
 * relates each SLO to what it measures.
 */

export const OPENSLO_API_VERSION = 'openslo/v1';

/** The OpenSLO kinds the catalog accepts. */
export const OPENSLO_KINDS = ['SLO', 'SLI', 'DataSource', 'AlertPolicy'] as const;
export type OpenSloKind = (typeof OPENSLO_KINDS)[number];

/** SLO → the entity whose service level it measures (a component by default). */
export const RELATION_MEASURES = 'measures';
/** The measured entity → its SLOs. */
export const RELATION_MEASURED_BY = 'measuredBy';

/**
 * Names the measured entity when it is not the component named like the
 * SLO's `spec.service`, e.g. `component:payments` or `resource:payments-db`.
 */
export const SLO_TARGET_ANNOTATION = 'pilothouse.dev/slo-target';
/** Names the owning group when it is not the measured entity's owner. */
export const SLO_OWNER_ANNOTATION = 'pilothouse.dev/owner';
/** Names the system when it is not the measured entity's system. */
export const SLO_SYSTEM_ANNOTATION = 'pilothouse.dev/system';
/**
 * OpenSLO labels the catalog cannot hold as labels (list values, values
 * with characters Backstage labels refuse) are kept here as JSON, so the
 * SLO's labels reach the generated rules unchanged.
 */
export const OPENSLO_LABELS_ANNOTATION = 'pilothouse.dev/openslo-labels';
