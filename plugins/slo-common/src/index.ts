/**
 * The SLO contract: what `/api/slo` answers, shared by the SLO backend, the
 * SLO pages and the gateway's policy (which asks whether an entity is burning).
 *
 * @packageDocumentation
 */
export * from './types';
export * from './api';
export * from './catalog';
