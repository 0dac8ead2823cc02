import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
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
import type { GatewayCallOptions, LlmGatewayService } from './types';

const PLUGIN_ID = 'llm-gateway';

/**
 * Talks to the gateway's `/v1` API with a token on behalf of the caller, the
 * way the catalog's service reaches the catalog: so the gateway can run in
 * another backend deployment and still see who is asking.
 */
export class LlmGatewayClient implements LlmGatewayService {
  constructor(
    private readonly deps: { discovery: DiscoveryService; auth: AuthService },
  ) {}

  inspect(request: InspectRequest, options: GatewayCallOptions) {
    return this.post<InspectResponse>('/v1/inspect', request, options);
  }

  complete(request: CompletionRequest, options: GatewayCallOptions) {
    return this.post<CompletionResponse>('/v1/complete', request, options);
  }

  async *completeStream(
    request: CompletionRequest,
    options: GatewayCallOptions,
  ): AsyncIterable<CompletionEvent> {
    const res = await this.fetch(
      '/v1/complete?stream=true',
      { method: 'POST', body: JSON.stringify(request) },
      options,
    );
    if (!res.body) throw new Error('llm-gateway sent an empty stream');
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      for (
        let end = buffer.indexOf('\n\n');
        end >= 0;
        end = buffer.indexOf('\n\n')
      ) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame
          .split('\n')
          .filter(line => line.startsWith('data:'))
          .map(line => line.slice(5).trimStart())
          .join('\n');
        if (data) yield JSON.parse(data) as CompletionEvent;
      }
    }
  }

  listTools(options: GatewayCallOptions & { entityRef?: string }) {
    const query = options.entityRef
      ? `?entityRef=${encodeURIComponent(options.entityRef)}`
      : '';
    return this.get<GatewayTool[]>(`/v1/tools${query}`, options);
  }

  callTool(request: ToolCallRequest, options: GatewayCallOptions) {
    return this.post<ToolCallOutcome>('/v1/tools/call', request, options);
  }

  listApprovals(options: GatewayCallOptions) {
    return this.get<ApprovalListResponse>('/v1/approvals', options);
  }

  private async get<T>(path: string, options: GatewayCallOptions): Promise<T> {
    const res = await this.fetch(path, { method: 'GET' }, options);
    return (await res.json()) as T;
  }

  private async post<T>(
    path: string,
    body: unknown,
    options: GatewayCallOptions,
  ): Promise<T> {
    const res = await this.fetch(
      path,
      { method: 'POST', body: JSON.stringify(body) },
      options,
    );
    return (await res.json()) as T;
  }

  private async fetch(
    path: string,
    init: RequestInit,
    options: GatewayCallOptions,
  ): Promise<Response> {
    const baseUrl = await this.deps.discovery.getBaseUrl(PLUGIN_ID);
    const { token } = await this.deps.auth.getPluginRequestToken({
      onBehalfOf: options.credentials,
      targetPluginId: PLUGIN_ID,
    });
    const res = await fetch(`${baseUrl}${path}`, {
      ...init,
      signal: options.signal,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
      },
    });
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return res;
  }
}
