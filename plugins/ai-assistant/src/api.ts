import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  AssistantError,
  AssistantEvent,
  Conversation,
  ConversationCreateRequest,
  ConversationListResponse,
  ConversationResponse,
  SendMessageRequest,
  TranscriptionResponse,
  TranscriptionStatus,
  UndoRequest,
} from '@pilothouse/plugin-ai-assistant-common';
import type {
  ApprovalDecisionRequest,
  ApprovalListResponse,
  ApprovalRecord,
} from '@pilothouse/plugin-llm-gateway-common';
import { createParser } from 'eventsource-parser';

/** An approval as the gateway lists it for the signed-in user. */
export type ListedApproval = ApprovalListResponse['approvals'][number];

/** How a streamed turn reports its events; `signal` stops reading. */
export interface StreamOptions {
  onEvent: (event: AssistantEvent) => void;
  signal?: AbortSignal;
}

/**
 * The assistant's `/api/ai-assistant/v1` API, plus the gateway's approvals
 * (`/api/llm-gateway/v1/approvals`) that its approval cards decide.
 */
export interface AiAssistantApi {
  listConversations(): Promise<Conversation[]>;
  createConversation(request: ConversationCreateRequest): Promise<Conversation>;
  getConversation(id: string): Promise<ConversationResponse>;
  deleteConversation(id: string): Promise<void>;

  /** Sends a message; resolves when the turn's stream ends. */
  sendMessage(
    conversationId: string,
    request: SendMessageRequest,
    options: StreamOptions,
  ): Promise<void>;
  /** Continues a turn whose approval was decided. */
  resume(conversationId: string, options: StreamOptions): Promise<void>;
  undo(
    conversationId: string,
    request: UndoRequest,
    options: StreamOptions,
  ): Promise<void>;
  cancel(conversationId: string): Promise<void>;

  /** The caller's own approvals and the ones they may decide. */
  listApprovals(): Promise<ListedApproval[]>;
  decideApproval(
    id: string,
    decision: 'approve' | 'reject',
    request?: ApprovalDecisionRequest,
  ): Promise<ApprovalRecord>;

  transcriptionStatus(): Promise<TranscriptionStatus>;
  /** `audio`: 16 kHz mono 16-bit PCM WAV. */
  transcribe(audio: Blob): Promise<TranscriptionResponse>;
}

export const aiAssistantApiRef = createApiRef<AiAssistantApi>({
  id: 'plugin.ai-assistant.service',
});

/**
 * A failed assistant request, with the reason in the shape turn errors have,
 * so that the page shows both alike ("over your quota, try again in 30 s").
 */
export class AssistantRequestError extends Error {
  readonly name = 'AssistantRequestError';

  constructor(readonly error: AssistantError, readonly statusCode?: number) {
    super(error.message);
  }
}

export class AiAssistantClient implements AiAssistantApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async listConversations() {
    const body = await this.json<ConversationListResponse>(
      'GET',
      '/v1/conversations',
    );
    return body.conversations;
  }

  createConversation(request: ConversationCreateRequest) {
    return this.json<Conversation>('POST', '/v1/conversations', request);
  }

  getConversation(id: string) {
    return this.json<ConversationResponse>(
      'GET',
      `/v1/conversations/${encodeURIComponent(id)}`,
    );
  }

  async deleteConversation(id: string) {
    await this.request(
      'DELETE',
      `/v1/conversations/${encodeURIComponent(id)}`,
    );
  }

  sendMessage(
    conversationId: string,
    request: SendMessageRequest,
    options: StreamOptions,
  ) {
    return this.stream(
      `/v1/conversations/${encodeURIComponent(conversationId)}/messages`,
      request,
      options,
    );
  }

  resume(conversationId: string, options: StreamOptions) {
    return this.stream(
      `/v1/conversations/${encodeURIComponent(conversationId)}/resume`,
      {},
      options,
    );
  }

  undo(conversationId: string, request: UndoRequest, options: StreamOptions) {
    return this.stream(
      `/v1/conversations/${encodeURIComponent(conversationId)}/undo`,
      request,
      options,
    );
  }

  async cancel(conversationId: string) {
    await this.request(
      'POST',
      `/v1/conversations/${encodeURIComponent(conversationId)}/cancel`,
    );
  }

  async listApprovals() {
    const body = await this.json<ApprovalListResponse>(
      'GET',
      '/v1/approvals',
      undefined,
      'llm-gateway',
    );
    return body.approvals;
  }

  async decideApproval(
    id: string,
    decision: 'approve' | 'reject',
    request: ApprovalDecisionRequest = {},
  ) {
    const record = await this.json<ApprovalRecord>(
      'POST',
      `/v1/approvals/${encodeURIComponent(id)}/${decision}`,
      request,
      'llm-gateway',
    );
    // The gateway decided; the assistant tells the requester (a signal and
    // a notification), so their paused turn resumes. A call made outside
    // the assistant has no paused turn: nothing to tell.
    await this.request(
      'POST',
      `/v1/approvals/${encodeURIComponent(id)}/decided`,
    ).catch(error => {
      if (!(error instanceof ResponseError && error.statusCode === 404)) {
        throw error;
      }
    });
    return record;
  }

  transcriptionStatus() {
    return this.json<TranscriptionStatus>('GET', '/v1/transcribe');
  }

  async transcribe(audio: Blob) {
    const res = await this.request('POST', '/v1/transcribe', audio, {
      'Content-Type': 'audio/wav',
    });
    return (await res.json()) as TranscriptionResponse;
  }

  /**
   * Server-sent events over a POST: EventSource can only GET, so the body
   * is read as a stream and parsed here.
   */
  private async stream(path: string, body: unknown, options: StreamOptions) {
    const res = await this.request(
      'POST',
      path,
      JSON.stringify(body),
      { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
      options.signal,
    );
    if (!res.body) {
      throw new AssistantRequestError({
        code: 'internal',
        message: 'The assistant answered without a stream',
      });
    }
    const parser = createParser({
      onEvent: message => {
        options.onEvent(JSON.parse(message.data) as AssistantEvent);
      },
    });
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch (error) {
      if (options.signal?.aborted) return;
      throw error;
    }
  }

  private async json<T>(
    method: string,
    path: string,
    body?: unknown,
    pluginId = 'ai-assistant',
  ) {
    const res = await this.request(
      method,
      path,
      body === undefined ? undefined : JSON.stringify(body),
      body === undefined ? {} : { 'Content-Type': 'application/json' },
      undefined,
      pluginId,
    );
    return (await res.json()) as T;
  }

  private async request(
    method: string,
    path: string,
    body?: BodyInit,
    headers: Record<string, string> = {},
    signal?: AbortSignal,
    pluginId = 'ai-assistant',
  ) {
    const baseUrl = await this.discoveryApi.getBaseUrl(pluginId);
    const res = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body,
      signal,
    });
    if (res.status === 429) {
      const retryAfter = Number(res.headers.get('retry-after'));
      const error = await ResponseError.fromResponse(res);
      throw new AssistantRequestError(
        {
          code: 'quota',
          message: error.cause?.message || error.message,
          ...(retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
        },
        429,
      );
    }
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return res;
  }
}
