/**
 * Log search and threat detections in the browser: the Logs and Detections
 * pages, a Logs tab and an open-detections card on component pages. The
 * plugin itself (new frontend system) is the default export of
 * `@pilothouse/plugin-log-search/alpha`.
 *
 * @packageDocumentation
 */
export { LogSearchClient, logSearchApiRef } from './api';
export type {
  DetectionFilter,
  HistogramRequest,
  LogSearchApi,
  SavedSearchRequest,
  SearchRequest,
  TailOptions,
} from './api';
