import { randomUUID } from 'node:crypto';
import type {
  ModelProvider,
  ProviderRequest,
  ProviderResponse,
  ProviderStreamEvent,
} from '../types';
import type { EntityDirectory } from './local/entityDirectory';
import { respond } from './local/localModel';
import type { ProviderConfig } from './readProviderConfigs';

/** About four characters a token, as the big models count on English text. */
export const estimateTokens = (text: string) =>
  text.length === 0 ? 0 : Math.ceil(text.length / 4);

/**
 * Pilothouse's local model: offline, deterministic, no network. It reads the
 * offered tools' names, descriptions and input schemas and the catalog's
 * entity names, picks the tool the user means and fills its arguments, asks
 * when an argument is missing or the request is ambiguous, refuses what no
 * tool does, and after tool results writes a plain answer from them. The
 * engine is in `./local/`; see the README's "The local model".
 */
export class LocalProvider implements ModelProvider {
  readonly type = 'local' as const;
  readonly id: string;
  readonly local: boolean;
  readonly models: ModelProvider['models'];
  readonly maxDataClass: ModelProvider['maxDataClass'];
  readonly timeoutMs: number;

  private readonly directory?: EntityDirectory;

  constructor(
    config: ProviderConfig,
    options: { entityDirectory?: EntityDirectory } = {},
  ) {
    this.directory = options.entityDirectory;
    this.id = config.id;
    this.local = config.local;
    this.models = config.models;
    this.maxDataClass = config.maxDataClass;
    this.timeoutMs = config.timeoutMs;
  }

  async complete(request: ProviderRequest): Promise<ProviderResponse> {
    const entities = (await this.directory?.list()) ?? [];
    // Hosted APIs allow no dots in tool names, so callers may send
    // `kubernetes__scale_deployment`; the model reads `server.tool` and
    // answers with the name it was given.
    const given = new Map(
      (request.tools ?? []).map(t => [t.name.replace(/__/g, '.'), t.name]),
    );
    const canonical: ProviderRequest = {
      ...request,
      tools: request.tools?.map(t => ({
        ...t,
        name: t.name.replace(/__/g, '.'),
      })),
      messages: request.messages.map(m => ({
        ...m,
        content: m.content.map(b =>
          b.type === 'tool_use' ? { ...b, name: b.name.replace(/__/g, '.') } : b,
        ),
      })),
    };
    const content = respond(
      canonical,
      entities,
      () => `toolu_local_${randomUUID()}`,
    ).map(b =>
      b.type === 'tool_use' ? { ...b, name: given.get(b.name) ?? b.name } : b,
    );
    const inputTokens = estimateTokens(
      JSON.stringify([
        request.system ?? '',
        request.messages,
        request.tools ?? [],
      ]),
    );
    let outputTokens = estimateTokens(JSON.stringify(content));
    let stopReason: ProviderResponse['stopReason'] = content.some(
      b => b.type === 'tool_use',
    )
      ? 'tool_use'
      : 'end_turn';
    const first = content[0];
    if (
      first.type === 'text' &&
      estimateTokens(first.text) > request.maxTokens
    ) {
      first.text = first.text.slice(0, request.maxTokens * 4);
      outputTokens = request.maxTokens;
      stopReason = 'max_tokens';
    }
    return {
      model: request.model,
      content,
      stopReason,
      inputTokens,
      outputTokens,
    };
  }

  async *stream(request: ProviderRequest): AsyncIterable<ProviderStreamEvent> {
    const response = await this.complete(request);
    for (const block of response.content) {
      if (block.type !== 'text') continue;
      for (const piece of block.text.match(/\S+\s*|\s+/g) ?? []) {
        yield { type: 'text_delta', text: piece };
      }
    }
    yield { type: 'done', response };
  }
}
