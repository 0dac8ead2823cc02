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
  scope: 'user' | 'team';
  requestsPerMinute: { used: number; limit: number };
  tokensPerDay: { used: number; limit: number };
}

export interface AuditQuery {
  actor?: string;
  entityRef?: string;
  decision?: AuditRecord['decision'];
  findingType?: string;
  kind?: AuditRecord['kind'];
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

export interface AuditVerification {
  ok: boolean;
  checked: number;
  /** The first record whose hash or link does not match. */
  brokenAt?: { seq: number; id?: string; reason: string };
  verifiedAt: string;
}

/**
 * `POST /v1/policies/:name/validate` answers this; `PUT /v1/policies/:name`
 * answers it with status 400 when the source is invalid.
 */
export interface PolicyValidationResult {
  errors: PolicyValidationError[];
}

/** `PUT /v1/policies/:name`: a new version of the policy. */
export interface PolicySaveRequest {
  source: string;
  comment?: string;
}

/** `POST /v1/policies/:name/restore`: a new version with the content of `version`. */
export interface PolicyRestoreRequest {
  version: number;
}

/**
 * `POST /v1/policies/evaluate` (answers a `PolicyDecision`): what policy
 * would decide for this user and request, without sending anything.
 */
export interface PolicyEvaluationRequest {
  /** A user entity ref, e.g. `user:default/alice`. */
  user: string;
  request: {
    kind: 'model' | 'tool' | 'inspect';
    model?: string;
    /** `server.tool`. */
    tool?: string;
    entityRef?: string;
  };
}
