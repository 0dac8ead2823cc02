import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type {
  AuditPage,
  AuditQuery,
  AuditRecord,
  AuditVerification,
  ContentBlock,
  DataClass,
  DetectorSetting,
  Direction,
  DlpRule,
  EntityContext,
  Finding,
  PolicyDecision,
  PolicyDocument,
  PolicyInput,
  PolicyValidationError,
  PolicyVersionSummary,
  Principal,
  ProviderStatus,
  ProviderType,
  QuotaUsage,
  ToolSpec,
  UsageReportQuery,
  UsageReportRow,
} from '@pilothouse/plugin-llm-gateway-common';

/*
 * The gateway's parts. `Gateway` (services/Gateway) puts them together in
 * the order of ARCHITECTURE.md: inspect input → decide → quota → route →
 * inspect output → audit. Each part is replaceable and tested on its own.
 */

export interface InspectionContext {
  direction: Direction;
  principal: Principal;
  /** Placeholders are stable (and restorable) within one conversation. */
  conversationId?: string;
}

export interface InspectionOutcome {
  findings: Finding[];
  /** Text after mask / redact / hash (unchanged when blocked). */
  text: string;
  /** Some finding's action is `block`. */
  blocked: boolean;
  /** Most sensitive class the findings imply (`public` when none). */
  dataClass: DataClass;
}

/** Finds PII, secrets and custom DLP matches, and applies their actions. */
export interface Inspector {
  inspect(text: string, context: InspectionContext): Promise<InspectionOutcome>;
  /**
   * Puts redacted values back into text going to the user who sent them
   * (same principal, same conversation); other placeholders stay.
   */
  restore(
    text: string,
    context: { principal: Principal; conversationId?: string },
  ): Promise<string>;
  /** Detector settings and custom rules, for the admin page. */
  detectors(): Promise<DetectorSetting[]>;
  rules(): Promise<DlpRule[]>;
  /** Replaces the custom rules; throws InputError naming the bad rule. */
  setRules(rules: DlpRule[], author: string): Promise<void>;
  setDetector(setting: DetectorSetting, author: string): Promise<void>;
}

/** Decides allow / deny / ask. Never throws: an evaluation error is a deny. */
export interface PolicyEngine {
  decide(input: PolicyInput): Promise<PolicyDecision>;
}

/** Policy documents as code: files at start, admin edits, every version kept. */
export interface PolicyStore {
  list(): Promise<PolicyDocument[]>;
  get(name: string, version?: number): Promise<PolicyDocument | undefined>;
  history(name: string): Promise<PolicyVersionSummary[]>;
  /** Errors with line and path; empty when the text is a valid policy. */
  validate(name: string, source: string): Promise<PolicyValidationError[]>;
  /** Validates then stores a new version; InputError listing errors otherwise. */
  save(
    name: string,
    source: string,
    author: string,
    comment?: string,
  ): Promise<PolicyDocument>;
  restore(
    name: string,
    version: number,
    author: string,
    comment?: string,
  ): Promise<PolicyDocument>;
  /** Grows with every stored version: replicas poll it to notice edits. */
  revision(): Promise<number>;
}

/** Looks up the catalog entity a request concerns, with its data class. */
export interface EntityResolver {
  /**
   * Reads the entity with the caller's own credentials: NotFoundError when
   * it does not exist or the caller cannot see it.
   */
  resolve(
    entityRef: string,
    options: { credentials: BackstageCredentials },
  ): Promise<EntityContext>;
  /**
   * A user as the catalog knows them, with their groups: for the admin's
   * playground, which inspects and evaluates as someone else.
   */
  resolveUser?(
    user: string,
    options: { credentials: BackstageCredentials },
  ): Promise<Principal>;
  /**
   * The catalog components that words in a tool call's arguments name (an
   * entity name, `backstage.io/kubernetes-id`, `argocd/app-name`), read with
   * the gateway's own credentials: whom a call really concerns, whatever
   * entity the caller says it is about.
   */
  entitiesNamedBy?(values: string[]): Promise<EntityContext[]>;
}

/** What a model call cost, for the usage report. */
export interface UsageDetails {
  costUsd?: number;
  /** The catalog entity the call concerned: usage is also kept per entity. */
  entityRef?: string;
}

/**
 * Per user and per team: requests per minute and tokens per day (UTC).
 * A user's teams are their groups (`Principal.groups` without the user).
 * Errors are `QuotaExceededError` (429, with `retryAfterSeconds`).
 */
export interface Quotas {
  /**
   * Checks the token budgets, then counts one request against the user and
   * each team; throws a 429 error naming the exhausted limit. A refused
   * request uses up nobody's budget.
   */
  admitRequest(principal: Principal): Promise<void>;
  /** Throws a 429 error when a token budget is already spent. */
  checkTokens(principal: Principal): Promise<void>;
  /** Counts a call's tokens (input + output) and keeps its usage and cost. */
  recordTokens(
    principal: Principal,
    tokens: number,
    details?: UsageDetails,
  ): Promise<void>;
  /** Current counts of every user and team seen, and of configured ones. */
  usage(): Promise<QuotaUsage[]>;
  /** Recorded usage per day, user, team, service and entity. */
  usageReport(query: UsageReportQuery): Promise<UsageReportRow[]>;
}

export type AuditEntry = Omit<
  AuditRecord,
  'id' | 'seq' | 'time' | 'prevHash' | 'hash'
>;

/** Records to verify, by seq, both ends included; the whole log by default. */
export interface AuditRange {
  fromSeq?: number;
  toSeq?: number;
}

/**
 * Append-only, hash-chained. Entries carry finding counts by type, never
 * the matched text: `append` rejects fields or finding keys that are not in
 * the entry shape (InputError).
 */
export interface AuditLog {
  append(entry: AuditEntry): Promise<AuditRecord>;
  query(query: AuditQuery): Promise<AuditPage>;
  /** Walks the chain in pages; records the result for `lastVerification`. */
  verify(range?: AuditRange): Promise<AuditVerification>;
  lastVerification(): Promise<AuditVerification | undefined>;
}

/** What a provider is asked: already inspected and allowed. */
export interface ProviderRequest {
  model: string;
  system?: string;
  messages: Array<{ role: 'user' | 'assistant'; content: ContentBlock[] }>;
  tools?: ToolSpec[];
  maxTokens: number;
  temperature?: number;
}

export interface ProviderResponse {
  model: string;
  content: ContentBlock[];
  stopReason: 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence';
  inputTokens: number;
  outputTokens: number;
}

export type ProviderStreamEvent =
  | { type: 'text_delta'; text: string }
  | { type: 'done'; response: ProviderResponse };

export interface ModelProvider {
  id: string;
  type: ProviderType;
  /** Runs on this machine or inside the organisation's network. */
  local: boolean;
  models: Array<{
    name: string;
    inputUsdPerMTok: number;
    outputUsdPerMTok: number;
  }>;
  /** Most sensitive data class this provider may receive. */
  maxDataClass: DataClass;
  /** How long the gateway waits for it (for streams: between two events). */
  timeoutMs?: number;
  complete(
    request: ProviderRequest,
    signal?: AbortSignal,
  ): Promise<ProviderResponse>;
  stream(
    request: ProviderRequest,
    signal?: AbortSignal,
  ): AsyncIterable<ProviderStreamEvent>;
}

/** Picks providers for a request: by data class, then cost, then health. */
export interface ModelRouter {
  /**
   * Candidates in the order to try: providers that may take the class (and
   * serve the model, when one is named), cheapest first, healthy before
   * unhealthy at equal cost. Empty when no provider may take the class;
   * InputError when no provider serves the named model.
   */
  candidates(request: {
    model?: string;
    dataClass: DataClass;
  }): Array<{ provider: ModelProvider; model: string }>;
  /**
   * Runs one call to a provider through its circuit breaker and timeout.
   * `touch()` restarts the timeout (streams call it on every event, so the
   * timeout bounds silence, not length). Throws ServiceUnavailableError when
   * the breaker is open or the provider timed out; otherwise the provider's
   * own error. A call aborted by the caller's signal is not held against the
   * provider.
   */
  execute<T>(
    providerId: string,
    fn: (call: { signal: AbortSignal; touch(): void }) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T>;
  status(): ProviderStatus[];
}
