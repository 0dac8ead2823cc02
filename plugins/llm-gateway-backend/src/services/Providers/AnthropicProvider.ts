import Anthropic from '@anthropic-ai/sdk';
import type { ContentBlock } from '@pilothouse/plugin-llm-gateway-common';
import type {
  ModelProvider,
  ProviderRequest,
  ProviderResponse,
  ProviderStreamEvent,
} from '../types';
import type { ProviderConfig } from './readProviderConfigs';

type Message = Anthropic.Messages.Message;

/** The canonical blocks are Anthropic's own: only unknown kinds are dropped. */
export function fromAnthropicContent(
  content: Anthropic.Messages.ContentBlock[],
): ContentBlock[] {
  const blocks: ContentBlock[] = [];
  for (const block of content) {
    if (block.type === 'text') {
      blocks.push({ type: 'text', text: block.text });
    } else if (block.type === 'tool_use') {
      blocks.push({
        type: 'tool_use',
        id: block.id,
        name: block.name,
        input: (block.input ?? {}) as Record<string, unknown>,
      });
    }
  }
  return blocks;
}

export function fromAnthropicStopReason(
  reason: Message['stop_reason'],
): ProviderResponse['stopReason'] {
  switch (reason) {
    case 'tool_use':
    case 'max_tokens':
    case 'stop_sequence':
      return reason;
    default:
      return 'end_turn';
  }
}

function toAnthropicParams(
  request: ProviderRequest,
): Anthropic.Messages.MessageCreateParamsNonStreaming {
  return {
    model: request.model,
    max_tokens: request.maxTokens,
    ...(request.system ? { system: request.system } : {}),
    ...(request.temperature !== undefined
      ? { temperature: request.temperature }
      : {}),
    messages: request.messages.map(m => ({
      role: m.role,
      content: m.content as Anthropic.Messages.ContentBlockParam[],
    })),
    ...(request.tools?.length
      ? {
          tools: request.tools.map(t => ({
            name: t.name,
            description: t.description,
            input_schema: t.input_schema as Anthropic.Messages.Tool.InputSchema,
          })),
        }
      : {}),
  };
}

function toResponse(message: Message): ProviderResponse {
  return {
    model: message.model,
    content: fromAnthropicContent(message.content),
    stopReason: fromAnthropicStopReason(message.stop_reason),
    inputTokens: message.usage.input_tokens,
    outputTokens: message.usage.output_tokens,
  };
}

/** Anthropic's Messages API (or anything that speaks it, at `baseUrl`). */
export class AnthropicProvider implements ModelProvider {
  readonly type = 'anthropic' as const;
  readonly id: string;
  readonly local: boolean;
  readonly models: ModelProvider['models'];
  readonly maxDataClass: ModelProvider['maxDataClass'];
  readonly timeoutMs: number;
  private readonly client: Anthropic;

  constructor(config: ProviderConfig) {
    this.id = config.id;
    this.local = config.local;
    this.models = config.models;
    this.maxDataClass = config.maxDataClass;
    this.timeoutMs = config.timeoutMs;
    this.client = new Anthropic({
      apiKey: config.apiKey ?? null,
      baseURL: config.baseUrl,
      // The router falls back to the next provider; the SDK must not retry.
      maxRetries: 0,
      timeout: config.timeoutMs,
    });
  }

  async complete(
    request: ProviderRequest,
    signal?: AbortSignal,
  ): Promise<ProviderResponse> {
    const message = await this.client.messages.create(
      toAnthropicParams(request),
      { signal },
    );
    return toResponse(message);
  }

  async *stream(
    request: ProviderRequest,
    signal?: AbortSignal,
  ): AsyncIterable<ProviderStreamEvent> {
    const stream = this.client.messages.stream(toAnthropicParams(request), {
      signal,
    });
    for await (const event of stream) {
      if (
        event.type === 'content_block_delta' &&
        event.delta.type === 'text_delta'
      ) {
        yield { type: 'text_delta', text: event.delta.text };
      }
    }
    yield { type: 'done', response: toResponse(await stream.finalMessage()) };
  }
}
