import type { AssistantMessage, Conversation, PlannedToolCall } from './types';

/**
 * REST shapes of `/api/ai-assistant`. Every route acts for the signed-in
 * user; conversations of other users answer 404.
 *
 * - `GET    /v1/conversations` → ConversationListResponse (newest first)
 * - `POST   /v1/conversations` ConversationCreateRequest → Conversation
 * - `GET    /v1/conversations/:id` → ConversationResponse
 * - `DELETE /v1/conversations/:id` → 204
 * - `POST   /v1/conversations/:id/messages` SendMessageRequest → SSE of AssistantEvent
 * - `POST   /v1/conversations/:id/resume` → SSE: continues a turn whose approval was decided
 * - `POST   /v1/conversations/:id/undo` UndoRequest → SSE: proposes and runs (through policy) the reverse call
 * - `POST   /v1/conversations/:id/cancel` → 204: stops the running turn
 * - `POST   /v1/plan` PlanRequest → PlanResponse
 * - `POST   /v1/approvals/:approvalId/decided` → 204: the approver's page says it
 *   decided (in the gateway); the requester gets a signal and a notification
 * - `GET    /v1/transcribe` → TranscriptionStatus
 * - `POST   /v1/transcribe` (body: audio, `content-type: audio/wav` or `audio/webm`) → TranscriptionResponse
 *
 * Live updates (a turn resumed elsewhere, an approval decided) are
 * published as Backstage signals on channel `ai-assistant:conversation:<id>`
 * with a ConversationSignal.
 */
export interface ConversationListResponse {
  conversations: Conversation[];
}

export interface ConversationCreateRequest {
  title?: string;
  entityRef?: string;
}

export interface ConversationResponse {
  conversation: Conversation;
  messages: AssistantMessage[];
}

export interface SendMessageRequest {
  text: string;
  /** The entity page the user is on; defaults to the conversation's. */
  entityRef?: string;
}

export interface UndoRequest {
  /** The tool call to undo. */
  callId: string;
}

export interface PlanRequest {
  text: string;
  entityRef?: string;
}

/** Tool calls the assistant would make, or the question it would ask first. */
export interface PlanResponse {
  toolCalls: PlannedToolCall[];
  question?: string;
}

export interface TranscriptionStatus {
  available: boolean;
  /** `pocketsphinx` or `whisper` (an endpoint) when available. */
  engine?: string;
  /** Why not, in words a user can act on. */
  reason?: string;
}

export interface TranscriptionResponse {
  text: string;
  engine: string;
}

export interface ConversationSignal {
  conversationId: string;
  /** What changed: the client refetches the conversation. */
  reason: 'approval_decided' | 'turn_updated';
  approvalId?: string;
}
