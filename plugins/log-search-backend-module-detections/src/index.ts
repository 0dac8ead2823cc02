/**
 * Threat detection for Pilothouse log search: Sigma rules and correlations,
 * anomalies, detections and alert routing, as a module of `log-search`.
 *
 * @packageDocumentation
 */
export { logSearchModuleDetections as default } from './module';
