import express, { Request, Response } from 'express';
import http from 'node:http';
import { AddressInfo } from 'node:net';

/** One request the stand-in received, exactly as it arrived. */
export interface RecordedLlmRequest {
  api: 'anthropic' | 'openai';
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** How the stand-in answers from now on (tests switch it at will). */
export interface LlmStandInBehaviour {
  /** Answer every call with this HTTP status and an error body (e.g. 500, 529). */
  failWithStatus?: number;
  /** Wait this long before answering (for timeouts). */
  delayMs?: number;
}

export interface LlmStandInOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1: the stand-in has no authentication. */
  host?: string;
}

export interface RunningLlmStandIn {
  /** Base URL, e.g. http://127.0.0.1:43123 (APIs under /v1). */
  url: string;
  /** Every request body received, oldest first. */
  readonly requests: RecordedLlmRequest[];
  setBehaviour(behaviour: LlmStandInBehaviour): void;
  /** Forgets recorded requests and goes back to answering normally. */
  reset(): void;
  close(): Promise<void>;
}

type Reply =
  | { kind: 'text'; text: string }
  | { kind: 'tool'; name: string; input: Record<string, unknown> };

/** Text of a message's content in either API's shape. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: any) => {
      if (part?.type === 'text') return String(part.text ?? '');
      if (part?.type === 'tool_result') return textOf(part.content);
      return '';
    })
    .join('');
}

/**
 * The stand-in's "model": deterministic, so tests can assert on answers.
 * - the last message is a tool result: `result: <its text>`
 * - tools are offered and the last user text says `use <tool>` (optionally
 *   followed by a quoted string): a call of that tool with `{ text }`
 * - otherwise: `echo: <the last user text>`
 */
function decideReply(
  lastText: string,
  toolNames: string[],
  lastIsToolResult: boolean,
): Reply {
  if (lastIsToolResult) return { kind: 'text', text: `result: ${lastText}` };
  const use = /\buse ([A-Za-z0-9_.:-]+)(?:\s+"([^"]*)")?/.exec(lastText);
  if (use && toolNames.includes(use[1])) {
    return { kind: 'tool', name: use[1], input: { text: use[2] ?? '' } };
  }
  return { kind: 'text', text: `echo: ${lastText}` };
}

const countTokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

/** Splits text into a few chunks, as a model streams it. */
function chunks(text: string): string[] {
  const parts = text.match(/\S+\s*|\s+/g) ?? [text];
  return parts.length > 0 ? parts : [''];
}

function sse(res: Response) {
  res.status(200);
  res.setHeader('content-type', 'text/event-stream');
  res.setHeader('cache-control', 'no-cache');
  res.flushHeaders();
}

let sequence = 0;
const nextId = (prefix: string) => `${prefix}_standin_${++sequence}`;

function anthropicMessages(req: Request, res: Response) {
  const body = req.body ?? {};
  const messages: any[] = Array.isArray(body.messages) ? body.messages : [];
  const last = messages[messages.length - 1];
  const lastIsToolResult =
    Array.isArray(last?.content) &&
    last.content.some((b: any) => b?.type === 'tool_result');
  const reply = decideReply(
    textOf(last?.content),
    (body.tools ?? []).map((t: any) => t.name),
    lastIsToolResult,
  );
  const inputTokens = countTokens(JSON.stringify(messages));
  const id = nextId('msg');
  const model = String(body.model ?? 'stand-in');
  const block =
    reply.kind === 'text'
      ? { type: 'text', text: reply.text }
      : {
          type: 'tool_use',
          id: nextId('toolu'),
          name: reply.name,
          input: reply.input,
        };
  const stopReason = reply.kind === 'text' ? 'end_turn' : 'tool_use';
  const outputTokens = countTokens(JSON.stringify(block));

  if (!body.stream) {
    res.json({
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [block],
      stop_reason: stopReason,
      stop_sequence: null,
      usage: { input_tokens: inputTokens, output_tokens: outputTokens },
    });
    return;
  }
  sse(res);
  const send = (event: string, data: unknown) =>
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  send('message_start', {
    type: 'message_start',
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: inputTokens, output_tokens: 1 },
    },
  });
  if (reply.kind === 'text') {
    send('content_block_start', {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    });
    for (const text of chunks(reply.text)) {
      send('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text },
      });
    }
  } else {
    send('content_block_start', {
      type: 'content_block_start',
      index: 0,
      content_block: { ...block, input: {} },
    });
    send('content_block_delta', {
      type: 'content_block_delta',
      index: 0,
      delta: {
        type: 'input_json_delta',
        partial_json: JSON.stringify(reply.input),
      },
    });
  }
  send('content_block_stop', { type: 'content_block_stop', index: 0 });
  send('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: { output_tokens: outputTokens },
  });
  send('message_stop', { type: 'message_stop' });
  res.end();
}

function openaiChatCompletions(req: Request, res: Response) {
  const body = req.body ?? {};
  const messages: any[] = Array.isArray(body.messages) ? body.messages : [];
  const last = messages[messages.length - 1];
  const reply = decideReply(
    textOf(last?.content),
    (body.tools ?? []).map((t: any) => t.function?.name),
    last?.role === 'tool',
  );
  const id = nextId('chatcmpl');
  const created = Math.floor(Date.now() / 1000);
  const model = String(body.model ?? 'stand-in');
  const promptTokens = countTokens(JSON.stringify(messages));
  const toolCall =
    reply.kind === 'tool'
      ? {
          id: nextId('call'),
          type: 'function',
          function: {
            name: reply.name,
            arguments: JSON.stringify(reply.input),
          },
        }
      : undefined;
  const completionTokens = countTokens(
    reply.kind === 'text' ? reply.text : JSON.stringify(toolCall),
  );
  const finishReason = toolCall ? 'tool_calls' : 'stop';
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };

  if (!body.stream) {
    res.json({
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: reply.kind === 'text' ? reply.text : null,
            ...(toolCall ? { tool_calls: [toolCall] } : {}),
          },
          finish_reason: finishReason,
          logprobs: null,
        },
      ],
      usage,
    });
    return;
  }
  sse(res);
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    res.write(
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices,
        ...extra,
      })}\n\n`,
    );
  chunk([
    {
      index: 0,
      delta: { role: 'assistant', content: '' },
      finish_reason: null,
    },
  ]);
  if (reply.kind === 'text') {
    for (const text of chunks(reply.text)) {
      chunk([{ index: 0, delta: { content: text }, finish_reason: null }]);
    }
  } else {
    chunk([
      {
        index: 0,
        delta: {
          tool_calls: [
            {
              index: 0,
              id: toolCall!.id,
              type: 'function',
              function: { name: reply.name, arguments: '' },
            },
          ],
        },
        finish_reason: null,
      },
    ]);
    chunk([
      {
        index: 0,
        delta: {
          tool_calls: [
            { index: 0, function: { arguments: toolCall!.function.arguments } },
          ],
        },
        finish_reason: null,
      },
    ]);
  }
  chunk([{ index: 0, delta: {}, finish_reason: finishReason }]);
  if (body.stream_options?.include_usage) chunk([], { usage });
  res.write('data: [DONE]\n\n');
  res.end();
}

/**
 * A stand-in for a model provider's HTTP API, for tests and benchmarks: it
 * speaks the Anthropic Messages API (`POST /v1/messages`) and the OpenAI chat
 * completions API (`POST /v1/chat/completions`, `GET /v1/models`), both plain
 * and streamed, answers deterministically and records every request body, so
 * a test can assert on exactly what reached "the provider". It is not a model.
 */
export async function startLlmStandIn(
  options: LlmStandInOptions = {},
): Promise<RunningLlmStandIn> {
  const requests: RecordedLlmRequest[] = [];
  let behaviour: LlmStandInBehaviour = {};

  const app = express();
  app.use(express.json({ limit: '50mb' }));
  const record =
    (
      api: RecordedLlmRequest['api'],
      handler: (req: Request, res: Response) => void,
    ) =>
    async (req: Request, res: Response) => {
      requests.push({
        api,
        path: req.path,
        headers: req.headers,
        body: req.body,
      });
      const { failWithStatus, delayMs } = behaviour;
      if (delayMs) await new Promise(resolve => setTimeout(resolve, delayMs));
      if (res.destroyed) return;
      if (failWithStatus) {
        res.status(failWithStatus).json(
          api === 'anthropic'
            ? {
                type: 'error',
                error: { type: 'api_error', message: 'stand-in failure' },
              }
            : {
                error: { message: 'stand-in failure', type: 'server_error' },
              },
        );
        return;
      }
      handler(req, res);
    };
  app.post('/v1/messages', record('anthropic', anthropicMessages));
  app.post('/v1/chat/completions', record('openai', openaiChatCompletions));
  app.get('/v1/models', (_req, res) => {
    res.json({
      object: 'list',
      data: [
        { id: 'stand-in', object: 'model', created: 0, owned_by: 'sandbox' },
      ],
    });
  });

  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    requests,
    setBehaviour(next) {
      behaviour = { ...next };
    },
    reset() {
      requests.length = 0;
      behaviour = {};
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close(error => (error ? reject(error) : resolve()));
      }),
  };
}
