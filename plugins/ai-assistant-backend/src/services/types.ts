import type {
  AssistantError,
  AssistantMessage,
  Conversation,
  ToolCallRecord,
  TranscriptionResponse,
  TranscriptionStatus,
  TurnStatus,
} from '@pilothouse/plugin-ai-assistant-common';
import type {
  ChatMessage,
  ContentBlock,
} from '@pilothouse/plugin-llm-gateway-common';

/** Speech to text for the chat's microphone button. */
export interface Transcriber {
  status(): Promise<TranscriptionStatus>;
  transcribe(
    audio: Buffer,
    contentType: string,
  ): Promise<TranscriptionResponse>;
}

export type ToolUseBlock = Extract<ContentBlock, { type: 'tool_use' }>;
export type ToolResultBlock = Extract<ContentBlock, { type: 'tool_result' }>;

/**
 * What a turn needs to go on after a pause (an approval) or a restart: the
 * model messages it added after the user's text, and, for the step it
 * stopped in, the tool uses still to run (the first is the one waiting) and
 * the results already in.
 */
export interface TurnState {
  transcript: ChatMessage[];
  pending: ToolUseBlock[];
  results: ToolResultBlock[];
  /** Model calls made so far in this turn. */
  steps: number;
  /** Tool use id → the call it undoes (undo turns). */
  undoes?: Record<string, string>;
}

/** A message as stored: the contract's shape plus the paused turn's state. */
export interface StoredMessage {
  message: AssistantMessage;
  approvalId?: string;
  turnState?: TurnState;
}

export interface NewMessage {
  role: AssistantMessage['role'];
  text: string;
  toolCalls?: ToolCallRecord[];
  status?: TurnStatus;
  entityRef?: string;
}

export interface MessagePatch {
  text?: string;
  toolCalls?: ToolCallRecord[];
  status?: TurnStatus;
  error?: AssistantError | null;
  approvalId?: string | null;
  turnState?: TurnState | null;
}

/**
 * Conversations and their messages, each conversation readable only by its
 * owner: every read takes the owner, and another user's id reads as absent.
 */
export interface ConversationStore {
  createConversation(
    owner: string,
    input: { title: string; entityRef?: string },
  ): Promise<Conversation>;
  /** Newest first. */
  listConversations(owner: string): Promise<Conversation[]>;
  getConversation(owner: string, id: string): Promise<Conversation | undefined>;
  /** False when there was none of this owner's. */
  deleteConversation(owner: string, id: string): Promise<boolean>;
  appendMessage(
    conversationId: string,
    message: NewMessage,
  ): Promise<AssistantMessage>;
  updateMessage(id: string, patch: MessagePatch): Promise<AssistantMessage>;
  /** Oldest first. */
  listMessages(conversationId: string): Promise<StoredMessage[]>;
  /** The conversation and message of a turn paused on this approval. */
  findByApproval(
    approvalId: string,
  ): Promise<
    { owner: string; conversationId: string; messageId: string } | undefined
  >;
}
