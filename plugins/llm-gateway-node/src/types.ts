import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type {
  ApprovalListResponse,
  CompletionEvent,
  CompletionRequest,
  CompletionResponse,
  GatewayTool,
  InspectRequest,
  InspectResponse,
  ToolCallOutcome,
  ToolCallRequest,
} from '@pilothouse/plugin-llm-gateway-common';

export interface GatewayCallOptions {
  /** The user (or service) the call is made for: policy, quotas and audit use it. */
  credentials: BackstageCredentials;
  signal?: AbortSignal;
}

/**
 * The gateway, as other backend plugins see it. Every method applies
 * inspection, policy, quotas and audit for the credentials' principal.
 */
export interface LlmGatewayService {
  /** Inspect a text; nothing is sent anywhere. */
  inspect(
    request: InspectRequest,
    options: GatewayCallOptions,
  ): Promise<InspectResponse>;
  /** A model call, routed by data class, cost and availability. */
  complete(
    request: CompletionRequest,
    options: GatewayCallOptions,
  ): Promise<CompletionResponse>;
  /** The same, streamed: text deltas, tool uses, then `done` or `error`. */
  completeStream(
    request: CompletionRequest,
    options: GatewayCallOptions,
  ): AsyncIterable<CompletionEvent>;
  /**
   * The tools this principal may use (MCP servers and Backstage actions);
   * with `entityRef`, as policy decides for calls on that entity.
   */
  listTools(
    options: GatewayCallOptions & { entityRef?: string },
  ): Promise<GatewayTool[]>;
  /** A tool call: allowed and run, denied, or waiting for an approval. */
  callTool(
    request: ToolCallRequest,
    options: GatewayCallOptions,
  ): Promise<ToolCallOutcome>;
  /**
   * The principal's own approval records (every status), and the pending
   * ones they may decide: how a caller learns whether its call was approved.
   */
  listApprovals(options: GatewayCallOptions): Promise<ApprovalListResponse>;
}
