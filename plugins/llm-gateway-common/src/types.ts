/**
 * The gateway's domain: what it finds in text, what it decides, what it
 * routes, and what it records. These types are the contract between the
 * backend, the service other plugins call, and the admin page.
 */

/** Which way a text crosses the gateway: towards a model/tool, or back. */
export type Direction = 'input' | 'output';

/** Built-in finding types; custom DLP rules add their own names. */
export const BUILTIN_FINDING_TYPES = [
  'EMAIL',
  'PHONE',
  'US_SSN',
  'CREDIT_CARD',
  'IBAN',
  'IP_ADDRESS',
  'PERSON',
  'ADDRESS',
  'SECRET',
] as const;

export type BuiltinFindingType = (typeof BUILTIN_FINDING_TYPES)[number];

/** A built-in type or the name of a custom DLP rule. */
export type FindingType = BuiltinFindingType | (string & {});

/**
 * What happens to a finding's text.
 * - allow: left as is (still counted and audited)
 * - mask: characters replaced, keeping a few for recognition (`****1111`)
 * - redact: replaced by a placeholder stable within a conversation
 *   (`[EMAIL_1]`), restorable in the answer to the user who sent it
 * - hash: replaced by a keyed hash (`[EMAIL:3f9a…]`), same value same hash
 * - block: the whole request is refused
 */
export type FindingAction = 'allow' | 'mask' | 'redact' | 'hash' | 'block';

export interface Finding {
  type: FindingType;
  /** For SECRET: which kind, e.g. aws-access-key, github-token, private-key, jwt, db-url. */
  subtype?: string;
  /** UTF-16 offsets into the inspected text, end exclusive. */
  start: number;
  end: number;
  /** 0..1: how sure the detector is. */
  confidence: number;
  action: FindingAction;
  /** Which detector or custom rule found it. */
  detector: string;
  /** Data class the finding implies (custom rules carry one). */
  dataClass?: DataClass;
}

/**
 * Data classes, least to most sensitive. A request's class comes from the
 * catalog entity it concerns (annotation `pilothouse.io/data-classification`),
 * raised by what inspection finds; never lowered by what the caller says.
 */
export const DATA_CLASSES = [
  'public',
  'internal',
  'confidential',
  'restricted',
] as const;

export type DataClass = (typeof DATA_CLASSES)[number];

export const DATA_CLASSIFICATION_ANNOTATION = 'pilothouse.io/data-classification';

/** A policy's answer. */
export type Decision = 'allow' | 'deny' | 'ask';

/**
 * For `ask`: who must say yes. `confirm` is enough when the requester
 * confirms; `approval` needs a second person with the approver role.
 */
export type ApprovalMode = 'confirm' | 'approval';

export interface PolicyDecision {
  decision: Decision;
  /** The rule that decided, or `default` / `error`. */
  rule: string;
  /** A sentence a person can read. */
  reason: string;
  approval?: ApprovalMode;
}

/** Who is asking, as the gateway resolved it (never taken from the body). */
export interface Principal {
  /** `user:default/alice`, or a service's subject for service calls. */
  ref: string;
  type: 'user' | 'service';
  /** Ownership entity refs: the user's groups (transitively) and itself. */
  groups: string[];
}

/** The catalog entity a request concerns, as the gateway looked it up. */
export interface EntityContext {
  ref: string;
  kind: string;
  namespace: string;
  name: string;
  owner?: string;
  system?: string;
  lifecycle?: string;
  dataClass: DataClass;
  /**
   * Whether an SLO measuring the entity burns its error budget fast now (a
   * page alert fires), from /api/slo/v1/status; also true when that cannot
   * be read (failing safe). Absent when the gateway does not read SLOs.
   */
  sloBurning?: boolean;
}

export interface ToolContext {
  server: string;
  name: string;
  readOnly: boolean;
  destructive: boolean;
  idempotent: boolean;
  /** Real-world permissions the tool declares in `_meta`. */
  permissions?: unknown;
}

/** What policy is evaluated against (the CEL variables). */
export interface PolicyInput {
  principal: Principal;
  request: {
    kind: 'model' | 'tool' | 'inspect';
    /** Effective data class: max of entity class and finding classes. */
    dataClass: DataClass;
    model?: string;
    provider?: { id: string; type: ProviderType; local: boolean };
    tool?: ToolContext;
    /** The tool call's arguments, for rules on arguments. */
    arguments?: Record<string, unknown>;
    entity?: EntityContext;
    findings: FindingType[];
  };
}

export type ProviderType = 'local' | 'anthropic' | 'openai';

/** Content blocks, in the Anthropic Messages shape (the gateway's canonical form). */
export type ContentBlock =
  | { type: 'text'; text: string }
  | {
      type: 'tool_use';
      id: string;
      name: string;
      input: Record<string, unknown>;
    }
  | {
      type: 'tool_result';
      tool_use_id: string;
      content: string;
      is_error?: boolean;
    };

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string | ContentBlock[];
}

export interface ToolSpec {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
}

export interface CompletionRequest {
  /** A model name, or omit to let routing choose by data class and cost. */
  model?: string;
  system?: string;
  messages: ChatMessage[];
  tools?: ToolSpec[];
  maxTokens?: number;
  temperature?: number;
  /** Entity the conversation concerns: decides the data class. */
  entityRef?: string;
  /** Keeps redaction placeholders stable across turns. */
  conversationId?: string;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** US dollars, from the route's prices. */
  costUsd: number;
}

export interface CompletionResponse {
  id: string;
  model: string;
  provider: string;
  content: ContentBlock[];
  stopReason: 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence';
  usage: Usage;
  /** Findings in the request and the answer (never the raw values). */
  findings: Finding[];
  /** The audit record written for this call. */
  auditId: string;
}

/** Streamed completion events (server-sent events on the wire). */
export type CompletionEvent =
  | { type: 'text_delta'; text: string }
  | { type: 'tool_use'; block: Extract<ContentBlock, { type: 'tool_use' }> }
  | { type: 'done'; response: CompletionResponse }
  | { type: 'error'; message: string; status: number };

export interface ToolCallRequest {
  /** `server.tool` or a tool name unique across servers. */
  tool: string;
  arguments: Record<string, unknown>;
  entityRef?: string;
  conversationId?: string;
  /** An approved approval for exactly this call. */
  approvalId?: string;
}

export type ToolCallOutcome =
  | {
      decision: 'allow';
      /** The MCP CallToolResult, after output inspection. */
      result: {
        content: Array<{ type: string; text?: string; [k: string]: unknown }>;
        isError?: boolean;
        structuredContent?: Record<string, unknown>;
      };
      findings: Finding[];
      auditId: string;
    }
  | { decision: 'deny'; reason: string; rule: string; auditId: string }
  | {
      decision: 'ask';
      reason: string;
      rule: string;
      approval: ApprovalMode;
      approvalId: string;
      auditId: string;
    };

export type ApprovalStatus =
  | 'pending'
  | 'approved'
  | 'rejected'
  | 'expired'
  | 'used';

/**
 * A tool call that policy answered with `ask`: it runs once, for exactly
 * these arguments, after the right person said yes and before it expires.
 */
export interface ApprovalRecord {
  id: string;
  /** Who asked for the call. */
  requester: string;
  /** `server.tool`. */
  tool: string;
  /** Exactly what will run (after inspection). */
  arguments: Record<string, unknown>;
  /** sha256 of the canonical tool and arguments: binds the approval to the call. */
  argumentsHash: string;
  entityRef?: string;
  /** Why policy asked. */
  reason: string;
  rule?: string;
  mode: ApprovalMode;
  status: ApprovalStatus;
  decidedBy?: string;
  decidedAt?: string;
  createdAt: string;
  expiresAt: string;
}

/** A tool as the gateway offers it to a caller (only the ones they may use). */
export interface GatewayTool {
  /** `server.tool`: unique across servers. */
  name: string;
  server: string;
  tool: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  annotations: { readOnly: boolean; destructive: boolean; idempotent: boolean };
  /** What policy would say for this caller before arguments are known. */
  decision: Decision;
}

/** One audit record: one per decision. Findings by type, never raw values. */
export interface AuditRecord {
  id: string;
  seq: number;
  time: string;
  actor: string;
  kind: 'model' | 'tool' | 'inspect' | 'policy-change' | 'approval';
  /** Model name, `server.tool`, or what was changed. */
  target: string;
  entityRef?: string;
  decision: Decision | 'block' | 'error';
  rule?: string;
  reason?: string;
  /** Counts by finding type (SECRET subtypes as `SECRET:aws-access-key`). */
  findings: Record<string, number>;
  provider?: string;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
  latencyMs?: number;
  prevHash: string;
  hash: string;
}
