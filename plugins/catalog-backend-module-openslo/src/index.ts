/**
 * OpenSLO documents in the catalog; see README.md.
 *
 * @packageDocumentation
 */
export { catalogModuleOpenSlo as default } from './module';
export { OpenSloEntityProcessor } from './processor/OpenSloEntityProcessor';
export type { TargetLookup } from './processor/OpenSloEntityProcessor';
