/**
 * Log search for Pilothouse: ingest, storage, search, live tail.
 *
 * @packageDocumentation
 */
export { logSearchPlugin as default } from './plugin';
