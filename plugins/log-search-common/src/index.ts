/**
 * The log search contract: events, searches, detections and what
 * `/api/log-search` answers, shared by its backend and pages.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './api';
export * from './permissions';
export * from './detectionPermissions';
