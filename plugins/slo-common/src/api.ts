import type { SloHistoryPoint, SloSummary } from './types';

/**
 * REST shapes of `/api/slo`. Every route needs a signed-in user or a
 * service; reads are filtered by the catalog's read permission.
 *
 * - `GET  /v1/slos` (query: `owner`, `system`, `targetRef`, `status`) → SloListResponse, who is in trouble first
 * - `GET  /v1/slos/:namespace/:name` → SloResponse
 * - `GET  /v1/slos/:namespace/:name/history` → SloHistoryResponse
 * - `GET  /v1/slos/:namespace/:name/rules` → Prometheus rule groups (YAML)
 * - `POST /v1/rules` (body: an OpenSLO document stream or a Sloth spec, YAML or JSON) → rule groups (YAML)
 * - `GET  /v1/status?entityRef=` → SloEntityStatus: is this entity's SLO burning now
 */
export interface SloListResponse {
  items: SloSummary[];
  /** Set when Prometheus could not be reached. */
  error?: string;
}

export interface SloResponse {
  slo: SloSummary;
}

export interface SloHistoryResponse {
  entityRef: string;
  points: SloHistoryPoint[];
}

/** Read by the gateway's policy (`entity.slo.burning`). */
export interface SloEntityStatus {
  entityRef: string;
  /** True when a page alert of any SLO measuring the entity fires. */
  burning: boolean;
  /** True when any alert (page or ticket) fires. */
  warning: boolean;
  slos: Array<Pick<SloSummary, 'entityRef' | 'status' | 'budgetRemaining'>>;
}
