import OpenAI from 'openai';
import type { ContentBlock } from '@pilothouse/plugin-llm-gateway-common';
import type {
  ModelProvider,
  ProviderRequest,
  ProviderResponse,
  ProviderStreamEvent,
} from '../types';
import {
  fromOpenAiAssistant,
  fromOpenAiFinishReason,
  parseArguments,
  toOpenAiMessages,
  toOpenAiTools,
} from './openaiMapping';
import type { ProviderConfig } from './readProviderConfigs';

function toParams(request: ProviderRequest) {
  const tools = toOpenAiTools(request.tools);
  return {
    model: request.model,
    messages: toOpenAiMessages(request.system, request.messages),
    // max_tokens rather than max_completion_tokens: vLLM, Ollama, LiteLLM
    // and Azure all accept it.
    max_tokens: request.maxTokens,
    ...(request.temperature !== undefined
      ? { temperature: request.temperature }
      : {}),
    ...(tools ? { tools } : {}),
  };
}

/**
 * Any OpenAI-compatible chat completions endpoint: OpenAI itself, vLLM,
 * Ollama, LiteLLM, Azure OpenAI (`baseUrl` names it).
 */
export class OpenAiProvider implements ModelProvider {
  readonly type = 'openai' as const;
  readonly id: string;
  readonly local: boolean;
  readonly models: ModelProvider['models'];
  readonly maxDataClass: ModelProvider['maxDataClass'];
  readonly timeoutMs: number;
  private readonly client: OpenAI;

  constructor(config: ProviderConfig) {
    this.id = config.id;
    this.local = config.local;
    this.models = config.models;
    this.maxDataClass = config.maxDataClass;
    this.timeoutMs = config.timeoutMs;
    this.client = new OpenAI({
      // Local servers (vLLM, Ollama) take any key; the SDK insists on one.
      apiKey: config.apiKey ?? 'no-key',
      baseURL: config.baseUrl,
      maxRetries: 0,
      timeout: config.timeoutMs,
    });
  }

  async complete(
    request: ProviderRequest,
    signal?: AbortSignal,
  ): Promise<ProviderResponse> {
    const completion = await this.client.chat.completions.create(
      toParams(request),
      { signal },
    );
    const choice = completion.choices[0];
    return {
      model: completion.model || request.model,
      content: choice ? fromOpenAiAssistant(choice.message as any) : [],
      stopReason: fromOpenAiFinishReason(choice?.finish_reason),
      inputTokens: completion.usage?.prompt_tokens ?? 0,
      outputTokens: completion.usage?.completion_tokens ?? 0,
    };
  }

  async *stream(
    request: ProviderRequest,
    signal?: AbortSignal,
  ): AsyncIterable<ProviderStreamEvent> {
    const stream = await this.client.chat.completions.create(
      {
        ...toParams(request),
        stream: true,
        stream_options: { include_usage: true },
      },
      { signal },
    );
    let text = '';
    let model = request.model;
    let finishReason: string | null = null;
    let inputTokens = 0;
    let outputTokens = 0;
    const calls: Array<{ id: string; name: string; arguments: string }> = [];
    for await (const chunk of stream) {
      if (chunk.model) model = chunk.model;
      if (chunk.usage) {
        inputTokens = chunk.usage.prompt_tokens;
        outputTokens = chunk.usage.completion_tokens;
      }
      const choice = chunk.choices[0];
      if (!choice) continue;
      if (choice.finish_reason) finishReason = choice.finish_reason;
      const delta = choice.delta;
      if (delta?.content) {
        text += delta.content;
        yield { type: 'text_delta', text: delta.content };
      }
      for (const call of delta?.tool_calls ?? []) {
        const slot = (calls[call.index] ??= {
          id: '',
          name: '',
          arguments: '',
        });
        if (call.id) slot.id = call.id;
        if (call.function?.name) slot.name += call.function.name;
        if (call.function?.arguments) slot.arguments += call.function.arguments;
      }
    }
    const content: ContentBlock[] = [];
    if (text) content.push({ type: 'text', text });
    for (const call of calls.filter(Boolean)) {
      content.push({
        type: 'tool_use',
        id: call.id,
        name: call.name,
        input: parseArguments(call.arguments),
      });
    }
    yield {
      type: 'done',
      response: {
        model,
        content,
        stopReason: fromOpenAiFinishReason(finishReason),
        inputTokens,
        outputTokens,
      },
    };
  }
}
