export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

export const SEVERITIES = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** One stored log event, after parsing and enrichment. */
export interface LogEvent {
  id: string;
  /** When it happened (ISO 8601). */
  timestamp: string;
  /** When the portal received it (ISO 8601). */
  observedAt: string;
  severity: Severity;
  message: string;
  /** `service.name` of the source. */
  service?: string;
  /** The catalog entity the service maps to. */
  entityRef?: string;
  /** `otlp`, `jsonl`, `audit` (the gateway's and assistant's records). */
  source: string;
  traceId?: string;
  spanId?: string;
  /** Every other field, flattened with dots (`k8s.namespace.name`, `userIdentity.arn`). */
  attributes: Record<string, JsonValue>;
}

export const DETECTION_LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type DetectionLevel = (typeof DETECTION_LEVELS)[number];

export type DetectionStatus = 'open' | 'acknowledged' | 'resolved';

/** A rule's matches, deduplicated and grouped (same rule, same group key). */
export interface Detection {
  id: string;
  ruleId: string;
  ruleTitle: string;
  level: DetectionLevel;
  status: DetectionStatus;
  /** MITRE ATT&CK tags from the rule (`attack.t1078`, `attack.persistence`). */
  attack: string[];
  entityRef?: string;
  /** What groups matches into one detection (rule fields, correlation group-by). */
  groupKey: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** Most recent matching events (ids), newest first. */
  eventIds: string[];
  acknowledgedBy?: string;
  acknowledgedAt?: string;
  resolvedBy?: string;
  resolvedAt?: string;
  note?: string;
}

/** A loaded rule and whether it runs. */
export interface DetectionRuleInfo {
  id: string;
  title: string;
  level: DetectionLevel;
  /** `detection` or a correlation type (`event_count`, `value_count`, `temporal`). */
  type: string;
  pack: string;
  attack: string[];
  enabled: boolean;
  /** Why it cannot run here (an unsupported modifier, a missing field mapping). */
  unsupported?: string;
}

export interface SavedSearch {
  id: string;
  name: string;
  query: string;
  /** Relative range (`15m`, `24h`) or absolute `from`/`to`. */
  range?: string;
  owner: string;
  createdAt: string;
}
