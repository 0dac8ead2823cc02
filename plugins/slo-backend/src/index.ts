/**
 * SLOs at /api/slo: OpenSLO definitions from the catalog evaluated against
 * Prometheus; see README.md.
 *
 * @packageDocumentation
 */
export { sloPlugin as default } from './plugin';
