import type {
  ApprovalRecord,
  AuditRecord,
  DataClass,
  Decision,
  Direction,
  Finding,
  FindingAction,
  FindingType,
  PolicyDecision,
  PolicyInput,
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

/** `GET /v1/detectors`: built-in detectors and custom rules (builtin: false). */
export interface DetectorListResponse {
  detectors: DetectorSetting[];
}

/** `PUT /v1/detectors/:type` (built-in types); answers the saved setting. */
export type DetectorUpdateRequest = Pick<
  DetectorSetting,
  'enabled' | 'actions' | 'minConfidence'
>;

/** `GET /v1/rules`, and the body and answer of `PUT /v1/rules` (replaces all). */
export interface DlpRuleList {
  rules: DlpRule[];
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

/** A policy text that was refused, while the last good version stays in force. */
export interface PolicyLoadProblem {
  name: string;
  /** Where the text came from: the file's path, or `stored version N`. */
  location: string;
  errors: PolicyValidationError[];
  time: string;
}

/** `GET /v1/policies` */
export interface PolicyListResponse {
  /** Latest stored version of each policy, with the one actually deciding. */
  policies: Array<
    PolicyDocument & {
      /** The version in force; differs from `version` only after a problem. */
      activeVersion?: number;
      /** Lower goes first. */
      priority?: number;
    }
  >;
  problems: PolicyLoadProblem[];
}

/** `GET /v1/policies/:name/history`, newest first. */
export interface PolicyHistoryResponse {
  versions: PolicyVersionSummary[];
}

/** `POST /v1/policies/:name/validate` */
export interface PolicyValidateRequest {
  source: string;
}

export interface PolicyValidateResponse {
  valid: boolean;
  errors: PolicyValidationError[];
}

/** `PUT /v1/policies/:name` (creates the policy when the name is new). */
export interface PolicySaveRequest {
  source: string;
  comment?: string;
  /**
   * The version the edit started from; the save is refused (409) when
   * someone saved a newer one meanwhile. Omit for a new policy.
   */
  baseVersion?: number;
}

/** `POST /v1/policies/:name/restore`: a new version with an old one's text. */
export interface PolicyRestoreRequest {
  version: number;
  comment?: string;
}

/**
 * `POST /v1/policies/evaluate` (admins, the playground): what policy says
 * for a hypothetical request by a catalog user. The principal and the data
 * class come from the catalog, as for real requests.
 */
export interface PolicyEvaluateRequest {
  /** `alice` or `user:default/alice`. */
  user: string;
  request: {
    kind: 'model' | 'tool' | 'inspect';
    model?: string;
    provider?: { id: string; type: ProviderType; local: boolean };
    /** `readOnly` defaults to false, `destructive` to `!readOnly` (as in MCP). */
    tool?: {
      server: string;
      name: string;
      readOnly?: boolean;
      destructive?: boolean;
      idempotent?: boolean;
    };
    arguments?: Record<string, unknown>;
    entityRef?: string;
    /** Finding types inspection would report. */
    findings?: FindingType[];
    /**
     * What inspection would conclude about the text; it can raise the
     * entity's class, never lower it.
     */
    dataClass?: DataClass;
  };
}

export interface PolicyEvaluateResponse {
  decision: PolicyDecision;
  /** Exactly what the rules saw. */
  input: PolicyInput;
}

export interface ProviderStatus {
  id: string;
  type: ProviderType;
  /** Runs on this machine or inside the organisation's network. */
  local: boolean;
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

/** `GET /v1/approvals`: the caller's own, and the ones they may decide. */
export interface ApprovalListResponse {
  approvals: Array<ApprovalRecord & { canDecide: boolean }>;
}

/** `POST /v1/approvals/:id/approve` and `/reject`. */
export interface ApprovalDecisionRequest {
  /** Optional note kept in the audit log. */
  comment?: string;
}
