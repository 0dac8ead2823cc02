import type {
  ApprovalMode,
  ApprovalRecord,
} from '@pilothouse/plugin-llm-gateway-common';

/** A conversation belongs to the user who started it; nobody else reads it. */
export interface Conversation {
  id: string;
  title: string;
  /** The entity page it was started from: the default context of its turns. */
  entityRef?: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * A turn's state. `awaiting_approval` survives a restart: the turn resumes
 * (`POST .../resume`) once the approval is decided.
 */
export type TurnStatus =
  | 'running'
  | 'awaiting_approval'
  | 'done'
  | 'failed'
  | 'cancelled';

export type ToolCallStatus =
  | 'running'
  | 'done'
  | 'failed'
  | 'denied'
  | 'awaiting_approval'
  | 'rejected'
  | 'expired';

/** The reverse of a destructive call, proposed (never run) until asked for. */
export interface UndoProposal {
  /** `server.tool` */
  tool: string;
  arguments: Record<string, unknown>;
  /** A sentence: "Scale payments back to 2 replicas". */
  description: string;
}

export interface ToolCallRecord {
  /** Unique within the conversation (the model's tool_use id). */
  id: string;
  /** `server.tool` */
  tool: string;
  arguments: Record<string, unknown>;
  status: ToolCallStatus;
  /** One or two lines for the collapsed card. */
  summary?: string;
  /** The tool's result text after the gateway's output inspection. */
  result?: string;
  /** Why it failed, was denied, rejected or expired. */
  error?: string;
  /** Set while and after it waited for an approval. */
  approvalId?: string;
  approvalMode?: ApprovalMode;
  /** How to undo it, when the tool said so; absent once undone. */
  undo?: UndoProposal;
  /** The call this one undid. */
  undoes?: string;
  auditId?: string;
}

export interface AssistantMessage {
  id: string;
  conversationId: string;
  role: 'user' | 'assistant';
  /** The text the user wrote, or the answer so far. */
  text: string;
  /** Assistant messages: the tool calls of the turn, in order. */
  toolCalls: ToolCallRecord[];
  /** Assistant messages: where the turn is. */
  status?: TurnStatus;
  /** Context the message was sent with. */
  entityRef?: string;
  error?: AssistantError;
  createdAt: string;
}

/**
 * Why a turn stopped short. `quota`: the user is over a rate limit or token
 * quota (`retryAfterSeconds` set); `denied`: policy or inspection refused;
 * `provider`: the model failed or timed out; `cancelled`; `steps`: the turn
 * hit the step bound; `internal`.
 */
export interface AssistantError {
  code: 'quota' | 'denied' | 'provider' | 'cancelled' | 'steps' | 'internal';
  message: string;
  retryAfterSeconds?: number;
}

/**
 * Server-sent events of a turn (`POST .../messages`, `.../resume`,
 * `.../undo`): each `data:` line holds one of these.
 */
export type AssistantEvent =
  | { type: 'turn_started'; message: AssistantMessage }
  | { type: 'text_delta'; messageId: string; text: string }
  | { type: 'tool_call_started'; messageId: string; call: ToolCallRecord }
  | { type: 'tool_call_finished'; messageId: string; call: ToolCallRecord }
  | {
      type: 'approval_required';
      messageId: string;
      call: ToolCallRecord;
      approval: ApprovalRecord;
    }
  | { type: 'error'; messageId?: string; error: AssistantError }
  | { type: 'turn_finished'; message: AssistantMessage };

/** What the assistant would do for a text, without doing it. */
export interface PlannedToolCall {
  /** The MCP server (or `backstage` for Backstage actions). */
  server: string;
  /** The tool's name on that server. */
  tool: string;
  arguments: Record<string, unknown>;
}
