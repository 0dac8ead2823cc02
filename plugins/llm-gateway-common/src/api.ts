import type {
  AuditRecord,
  DataClass,
  Decision,
  Direction,
  Finding,
  FindingAction,
  FindingType,
  ProviderType,
} from './types';

/**
 * REST shapes of `/api/llm-gateway`. The checks rely on the inspect shape:
 * `POST /v1/inspect` answers `{ findings: [{ type, start, end, confidence,
 * action }], text, decision }`.
 */
export interface InspectRequest {
  text: string;
  direction: Direction;
  entityRef?: string;
  conversationId?: string;
  /** Admins only (the playground): inspect as this user. */
  asUser?: string;
}

export interface InspectResponse {
  findings: Finding[];
  /** The text after mask / redact / hash; the input unchanged when blocked. */
  text: string;
  /** `deny` when any finding's action is block or policy denies. */
  decision: Decision;
  /** Effective data class of the text with its entity. */
  dataClass: DataClass;
  reason?: string;
}

/** A detector (built-in) and how it acts, per direction. */
export interface DetectorSetting {
  type: FindingType;
  /** Built-in detector, or a custom DLP rule. */
  builtin: boolean;
  enabled: boolean;
  actions: Record<Direction, FindingAction>;
  /** Findings below this confidence are ignored. */
  minConfidence: number;
  description?: string;
}

/** A custom DLP rule. */
export interface DlpRule {
  /** Upper-case name, which becomes the finding type, e.g. PROJECT_CODENAME. */
  name: string;
  description?: string;
  /** A JavaScript regular expression source (flags: `gu` always; `i` optional). */
  pattern?: string;
  caseInsensitive?: boolean;
  /** Or: words and phrases matched as whole words, case-insensitively. */
  dictionary?: string[];
  dataClass: DataClass;
  actions: Record<Direction, FindingAction>;
}

/** A policy document as stored: YAML text, the source of truth. */
export interface PolicyDocument {
  /** File name without extension, e.g. `default`. */
  name: string;
  /** The YAML text. */
  source: string;
  version: number;
  author: string;
  time: string;
  /** `file` when loaded from the repo at start, `admin` when edited in the page. */
  origin: 'file' | 'admin' | 'restore';
  /** Commit message-like note from the author. */
  comment?: string;
}

export interface PolicyVersionSummary {
  name: string;
  version: number;
  author: string;
  time: string;
  origin: PolicyDocument['origin'];
  comment?: string;
  /** Unified diff against the previous version. */
  diff: string;
}

export interface PolicyValidationError {
  message: string;
  /** 1-based line in the YAML text, when known. */
  line?: number;
  /** Dotted path of the field, e.g. `spec.rules.2.when`. */
  path?: string;
}

export interface ProviderStatus {
  id: string;
  type: ProviderType;
  models: string[];
  /** Most sensitive data class this provider may receive. */
  maxDataClass: DataClass;
  healthy: boolean;
  lastError?: string;
}

export interface QuotaUsage {
  subject: string;
  /** `service` for calls made with a service's own credentials. */
  scope: 'user' | 'team' | 'service';
  requestsPerMinute: { used: number; limit: number };
  /** Tokens since 00:00 UTC; may pass the limit by the last call's tokens. */
  tokensPerDay: { used: number; limit: number };
}

/** `GET /v1/quotas`: every user and team seen, and configured ones. */
export interface QuotasResponse {
  quotas: QuotaUsage[];
}

/** Recorded usage per UTC day: `GET /v1/usage`. */
export interface UsageReportQuery {
  scope?: 'user' | 'team' | 'service' | 'entity';
  subject?: string;
  /** UTC days `YYYY-MM-DD`, both included. */
  from?: string;
  to?: string;
}

/** `GET /v1/usage`: newest day first. */
export interface UsageReportResponse {
  rows: UsageReportRow[];
}

export interface UsageReportRow {
  day: string;
  scope: 'user' | 'team' | 'service' | 'entity';
  /** A user, group, service subject or catalog entity ref. */
  subject: string;
  /** Model calls whose tokens were recorded. */
  calls: number;
  tokens: number;
  costUsd: number;
}

/**
 * `GET /v1/audit` (query parameters; answers an AuditPage, newest first).
 * Without the audit permission a caller sees only their own records.
 */
export interface AuditQuery {
  actor?: string;
  entityRef?: string;
  decision?: AuditRecord['decision'];
  findingType?: string;
  kind?: AuditRecord['kind'];
  /** ISO 8601 instants: records at or after `from`, and before `to`. */
  from?: string;
  to?: string;
  limit?: number;
  /** Records with seq below this, for paging backwards. */
  before?: number;
}

export interface AuditPage {
  records: AuditRecord[];
  /** Pass as `before` to get the next page; absent at the start of the log. */
  nextBefore?: number;
}

/**
 * `GET /v1/audit/verify` runs a verification (optionally `fromSeq`,
 * `toSeq`); `GET /v1/audit/verification` answers the last one (404 before
 * the first).
 */
export interface AuditVerification {
  ok: boolean;
  checked: number;
  /** The first record whose hash or link does not match. */
  brokenAt?: { seq: number; id?: string; reason: string };
  verifiedAt: string;
  /** Set when only a range of records was verified. */
  fromSeq?: number;
  toSeq?: number;
}
