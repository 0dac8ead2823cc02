import { randomUUID } from 'node:crypto';
import type {
  ContentBlock,
  ToolSpec,
} from '@pilothouse/plugin-llm-gateway-common';
import type {
  ModelProvider,
  ProviderRequest,
  ProviderResponse,
  ProviderStreamEvent,
} from '../types';
import type { ProviderConfig } from './readProviderConfigs';

/** About four characters a token, as the big models count on English text. */
export const estimateTokens = (text: string) =>
  text.length === 0 ? 0 : Math.ceil(text.length / 4);

function textOf(content: ContentBlock[]): string {
  return content
    .map(block => {
      if (block.type === 'text') return block.text;
      if (block.type === 'tool_result') return block.content;
      return '';
    })
    .join('\n')
    .trim();
}

const words = (s: string) =>
  s
    .toLowerCase()
    .replace(/[._:-]+/g, ' ')
    .trim();

/** The tool the text names: by full name, its last segment, or those in words. */
function namedTool(text: string, tools: ToolSpec[]): ToolSpec | undefined {
  const said = ` ${words(text).replace(/[^a-z0-9 ]+/g, ' ')} `;
  // Longest name first, so `echo.echo_twice` wins over `echo`.
  const byLength = [...tools].sort((a, b) => b.name.length - a.name.length);
  for (const tool of byLength) {
    const full = words(tool.name);
    const last = words(tool.name.split('.').pop() ?? tool.name);
    if (said.includes(` ${full} `) || said.includes(` ${last} `)) return tool;
  }
  return undefined;
}

/**
 * Arguments for the named tool from the text: `key=value` or `key: value`
 * for any property, and the first quoted string for the first string property
 * still missing.
 */
function argumentsFor(
  tool: ToolSpec,
  text: string,
): { input: Record<string, unknown>; missing: string[] } {
  const schema = tool.input_schema as {
    properties?: Record<string, { type?: string }>;
    required?: string[];
  };
  const properties = schema.properties ?? {};
  const input: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(properties)) {
    const match = new RegExp(
      `\\b${key.replace(
        /[^A-Za-z0-9_]/g,
        '.',
      )}\\s*[=:]\\s*("([^"]*)"|'([^']*)'|(\\S+))`,
    ).exec(text);
    if (!match) continue;
    const raw = match[2] ?? match[3] ?? match[4];
    if (prop.type === 'number' || prop.type === 'integer') {
      if (!Number.isNaN(Number(raw))) input[key] = Number(raw);
    } else if (prop.type === 'boolean') {
      input[key] = raw === 'true';
    } else {
      input[key] = raw;
    }
  }
  const quoted = /"([^"]*)"|`([^`]*)`/.exec(text);
  const firstString = Object.entries(properties).find(
    ([key, prop]) => (prop.type ?? 'string') === 'string' && !(key in input),
  );
  if (quoted && firstString) input[firstString[0]] = quoted[1] ?? quoted[2];
  const missing = (schema.required ?? []).filter(key => !(key in input));
  return { input, missing };
}

/**
 * Pilothouse's local model: offline, deterministic, no network. For now a
 * small rule-based responder: it calls a tool the user's message clearly
 * names (arguments from `key=value` and quoted text), reports a tool's
 * result, and otherwise answers that it is the local model, quoting the
 * request. The assistant issue replaces the rules with a real intent model
 * behind the same ModelProvider interface.
 */
export class LocalProvider implements ModelProvider {
  readonly type = 'local' as const;
  readonly id: string;
  readonly local: boolean;
  readonly models: ModelProvider['models'];
  readonly maxDataClass: ModelProvider['maxDataClass'];
  readonly timeoutMs: number;

  constructor(config: ProviderConfig) {
    this.id = config.id;
    this.local = config.local;
    this.models = config.models;
    this.maxDataClass = config.maxDataClass;
    this.timeoutMs = config.timeoutMs;
  }

  async complete(request: ProviderRequest): Promise<ProviderResponse> {
    const content = this.answer(request);
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

  private answer(request: ProviderRequest): ContentBlock[] {
    const last = request.messages[request.messages.length - 1];
    const lastContent = last?.content ?? [];
    const toolResult = lastContent.find(b => b.type === 'tool_result');
    if (toolResult && toolResult.type === 'tool_result') {
      return [
        {
          type: 'text',
          text: toolResult.is_error
            ? `The tool failed: ${toolResult.content}`
            : `The tool answered: ${toolResult.content}`,
        },
      ];
    }
    const text = last?.role === 'user' ? textOf(lastContent) : '';
    const tool = request.tools?.length
      ? namedTool(text, request.tools)
      : undefined;
    if (tool) {
      const { input, missing } = argumentsFor(tool, text);
      if (missing.length === 0) {
        return [
          {
            type: 'tool_use',
            id: `toolu_local_${randomUUID()}`,
            name: tool.name,
            input,
          },
        ];
      }
      return [
        {
          type: 'text',
          text: `To use ${tool.name} I need ${missing.join(
            ', ',
          )}: say for example ${missing.map(m => `${m}="..."`).join(' ')}.`,
        },
      ];
    }
    return [
      {
        type: 'text',
        text: text
          ? `This is the local model (offline, rule-based). You said: ${text}`
          : 'This is the local model (offline, rule-based).',
      },
    ];
  }
}
