import type OpenAI from 'openai';
import type {
  ChatMessage,
  ContentBlock,
  ToolSpec,
} from '@pilothouse/plugin-llm-gateway-common';
import type { ProviderResponse } from '../types';

/*
 * The canonical form is Anthropic's content blocks; OpenAI's chat format
 * keeps tool calls on the assistant message and tool results as messages of
 * their own. These map one to the other, both ways: the OpenAI provider uses
 * the `to…` direction, the OpenAI-compatible endpoint the `from…` one.
 */

type OpenAiMessage = OpenAI.Chat.ChatCompletionMessageParam;

const blocksOf = (content: string | ContentBlock[]): ContentBlock[] =>
  typeof content === 'string' ? [{ type: 'text', text: content }] : content;

const joinText = (blocks: ContentBlock[]) =>
  blocks
    .filter(
      (b): b is Extract<ContentBlock, { type: 'text' }> => b.type === 'text',
    )
    .map(b => b.text)
    .join('');

export function toOpenAiMessages(
  system: string | undefined,
  messages: ChatMessage[],
): OpenAiMessage[] {
  const out: OpenAiMessage[] = [];
  if (system) out.push({ role: 'system', content: system });
  for (const message of messages) {
    const blocks = blocksOf(message.content);
    if (message.role === 'assistant') {
      const toolCalls = blocks.flatMap(b =>
        b.type === 'tool_use'
          ? [
              {
                id: b.id,
                type: 'function' as const,
                function: { name: b.name, arguments: JSON.stringify(b.input) },
              },
            ]
          : [],
      );
      const text = joinText(blocks);
      out.push({
        role: 'assistant',
        content: text || null,
        ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
      });
      continue;
    }
    // Tool results first: OpenAI wants them right after the assistant's calls.
    for (const b of blocks) {
      if (b.type === 'tool_result') {
        out.push({
          role: 'tool',
          tool_call_id: b.tool_use_id,
          content: b.content,
        });
      }
    }
    const text = joinText(blocks);
    if (text || !blocks.some(b => b.type === 'tool_result')) {
      out.push({ role: 'user', content: text });
    }
  }
  return out;
}

export function toOpenAiTools(
  tools: ToolSpec[] | undefined,
): OpenAI.Chat.ChatCompletionTool[] | undefined {
  if (!tools?.length) return undefined;
  return tools.map(t => ({
    type: 'function',
    function: {
      name: t.name,
      ...(t.description ? { description: t.description } : {}),
      parameters: t.input_schema,
    },
  }));
}

/** Parses a tool call's JSON arguments; a model's broken JSON becomes `{}`. */
export function parseArguments(
  json: string | undefined,
): Record<string, unknown> {
  if (!json) return {};
  try {
    const value = JSON.parse(json);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? value
      : {};
  } catch {
    return {};
  }
}

export function fromOpenAiFinishReason(
  reason: string | null | undefined,
): ProviderResponse['stopReason'] {
  switch (reason) {
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'length':
      return 'max_tokens';
    default:
      return 'end_turn';
  }
}

export function toOpenAiFinishReason(
  reason: ProviderResponse['stopReason'],
): 'stop' | 'length' | 'tool_calls' {
  switch (reason) {
    case 'tool_use':
      return 'tool_calls';
    case 'max_tokens':
      return 'length';
    default:
      return 'stop';
  }
}

/** An assistant message of OpenAI's shape as canonical blocks. */
export function fromOpenAiAssistant(message: {
  content?: string | null | Array<{ type: string; text?: string }>;
  tool_calls?: Array<{
    id: string;
    type?: string;
    function?: { name: string; arguments?: string };
  }>;
}): ContentBlock[] {
  const blocks: ContentBlock[] = [];
  const text = textOfOpenAiContent(message.content);
  if (text) blocks.push({ type: 'text', text });
  for (const call of message.tool_calls ?? []) {
    if (!call.function) continue;
    blocks.push({
      type: 'tool_use',
      id: call.id,
      name: call.function.name,
      input: parseArguments(call.function.arguments),
    });
  }
  return blocks;
}

export function textOfOpenAiContent(
  content: string | null | undefined | Array<{ type: string; text?: string }>,
): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter(part => part.type === 'text')
    .map(part => part.text ?? '')
    .join('');
}

/**
 * OpenAI chat messages as the canonical system text and messages: system
 * (and developer) messages join the system text; tool messages become
 * tool_result blocks of a user message; consecutive messages of one role
 * merge, as Anthropic's format requires alternation.
 */
export function fromOpenAiMessages(
  messages: Array<{
    role: string;
    content?: string | null | Array<{ type: string; text?: string }>;
    tool_calls?: Array<{
      id: string;
      type?: string;
      function?: { name: string; arguments?: string };
    }>;
    tool_call_id?: string;
  }>,
): { system?: string; messages: ChatMessage[] } {
  const system: string[] = [];
  const out: Array<{ role: 'user' | 'assistant'; content: ContentBlock[] }> =
    [];
  const push = (role: 'user' | 'assistant', blocks: ContentBlock[]) => {
    const previous = out[out.length - 1];
    if (previous && previous.role === role) previous.content.push(...blocks);
    else out.push({ role, content: blocks });
  };
  for (const m of messages) {
    if (m.role === 'system' || m.role === 'developer') {
      system.push(textOfOpenAiContent(m.content));
    } else if (m.role === 'assistant') {
      push('assistant', fromOpenAiAssistant(m));
    } else if (m.role === 'tool') {
      push('user', [
        {
          type: 'tool_result',
          tool_use_id: m.tool_call_id ?? '',
          content: textOfOpenAiContent(m.content),
        },
      ]);
    } else {
      push('user', [{ type: 'text', text: textOfOpenAiContent(m.content) }]);
    }
  }
  return {
    ...(system.length ? { system: system.join('\n\n') } : {}),
    messages: out,
  };
}
