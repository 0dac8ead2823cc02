import type {
  Detection,
  DetectionRuleInfo,
  LogEvent,
  SavedSearch,
} from './types';

/**
 * REST shapes of `/api/log-search`.
 *
 * - `POST /v1/ingest` (JSON lines, one event per line) → IngestResponse
 * - `POST /v1/otlp/v1/logs` (OTLP/HTTP, JSON or protobuf) → OTLP's ExportLogsServiceResponse (partialSuccess names rejected records)
 * - `GET  /v1/search?q=&from=&to=&limit=&cursor=` → SearchResponse
 * - `GET  /v1/histogram?q=&from=&to=&buckets=` → HistogramResponse
 * - `GET  /v1/tail?q=` → server-sent events, one `event: log` per LogEvent
 * - `GET  /v1/detections?since=&status=&level=&entityRef=` → DetectionListResponse
 * - `GET  /v1/detections/:id` → DetectionResponse (with its events)
 * - `POST /v1/detections/:id/acknowledge` | `/resolve` (body `{ note? }`) → DetectionResponse
 * - `GET  /v1/rules` → RuleListResponse
 * - `GET|POST /v1/saved-searches`, `DELETE /v1/saved-searches/:id`
 *
 * `from`/`to` are ISO 8601 or relative (`now-15m`); a query with a syntax
 * error answers 400 naming the position.
 */
export interface IngestRejection {
  /** 1-based line (JSON lines) or record index (OTLP). */
  line: number;
  reason: string;
}

export interface IngestResponse {
  accepted: number;
  rejected: IngestRejection[];
}

export interface SearchResponse {
  events: LogEvent[];
  /** Matches in the range (may be a lower bound: `totalIsLowerBound`). */
  total: number;
  totalIsLowerBound?: boolean;
  /** Pass as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

export interface HistogramBucket {
  /** Start of the bucket (ISO 8601). */
  t: string;
  count: number;
  errors: number;
}

export interface HistogramResponse {
  from: string;
  to: string;
  intervalMs: number;
  buckets: HistogramBucket[];
}

export interface DetectionListResponse {
  items: Detection[];
}

export interface DetectionResponse {
  detection: Detection;
  events: LogEvent[];
}

export interface RuleListResponse {
  items: DetectionRuleInfo[];
  /** How many rules of each pack parsed and are supported. */
  packs: Array<{ pack: string; loaded: number; supported: number }>;
}

export interface SavedSearchListResponse {
  items: SavedSearch[];
}
