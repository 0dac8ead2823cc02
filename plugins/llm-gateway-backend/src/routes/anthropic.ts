import { NotFoundError } from '@backstage/errors';
import type {
  CompletionEvent,
  CompletionRequest,
  CompletionResponse,
  ContentBlock,
} from '@pilothouse/plugin-llm-gateway-common';
import express, { NextFunction, Request, Response } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { Gateway } from '../services/Gateway';
import { setRetryAfter } from './quotas';
import { CallerDeps, callerOf, messageOf, parseBody, statusOf } from './caller';
import { streamEvents } from './v1';

/** Headers a compat client may send to name the entity and conversation. */
export const ENTITY_HEADER = 'x-pilothouse-entity-ref';
export const CONVERSATION_HEADER = 'x-pilothouse-conversation-id';

const textBlock = z
  .object({ type: z.literal('text'), text: z.string() })
  .passthrough();

const anthropicBlock = z.discriminatedUnion('type', [
  textBlock,
  z
    .object({
      type: z.literal('tool_use'),
      id: z.string().min(1),
      name: z.string().min(1),
      input: z.record(z.unknown()),
    })
    .passthrough(),
  z
    .object({
      type: z.literal('tool_result'),
      tool_use_id: z.string().min(1),
      content: z.union([z.string(), z.array(textBlock)]).optional(),
      is_error: z.boolean().optional(),
    })
    .passthrough(),
]);

/** The Messages API fields the gateway understands; others are ignored. */
const messagesRequestSchema = z.object({
  model: z.string().min(1),
  max_tokens: z.number().int().positive().max(200_000),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  messages: z
    .array(
      z.object({
        role: z.enum(['user', 'assistant']),
        content: z.union([z.string(), z.array(anthropicBlock)]),
      }),
    )
    .min(1),
  tools: z
    .array(
      z
        .object({
          name: z.string().min(1),
          description: z.string().optional(),
          input_schema: z.record(z.unknown()),
        })
        .passthrough(),
    )
    .optional(),
  temperature: z.number().min(0).max(1).optional(),
  stream: z.boolean().optional(),
});

type MessagesRequest = z.infer<typeof messagesRequestSchema>;

const joinText = (blocks: Array<{ text: string }>) =>
  blocks.map(b => b.text).join('');

/** `auto` (or the gateway's own routing) picks a model by data class and cost. */
const routedModel = (model: string) => (model === 'auto' ? undefined : model);

export function fromMessagesRequest(
  body: MessagesRequest,
  req: Request,
): CompletionRequest {
  return {
    model: routedModel(body.model),
    system:
      typeof body.system === 'string'
        ? body.system
        : body.system && joinText(body.system),
    messages: body.messages.map(m => ({
      role: m.role,
      content:
        typeof m.content === 'string'
          ? m.content
          : m.content.map((b): ContentBlock => {
              if (b.type === 'tool_result') {
                return {
                  type: 'tool_result',
                  tool_use_id: b.tool_use_id,
                  content:
                    typeof b.content === 'string'
                      ? b.content
                      : joinText(b.content ?? []),
                  ...(b.is_error ? { is_error: true } : {}),
                };
              }
              if (b.type === 'tool_use') {
                return {
                  type: 'tool_use',
                  id: b.id,
                  name: b.name,
                  input: b.input,
                };
              }
              return { type: 'text', text: b.text };
            }),
    })),
    tools: body.tools?.map(t => ({
      name: t.name,
      description: t.description,
      input_schema: t.input_schema,
    })),
    maxTokens: body.max_tokens,
    temperature: body.temperature,
    entityRef: req.header(ENTITY_HEADER) || undefined,
    conversationId: req.header(CONVERSATION_HEADER) || undefined,
  };
}

export function toMessagesResponse(response: CompletionResponse) {
  return {
    id: response.id,
    type: 'message',
    role: 'assistant',
    model: response.model,
    content: response.content.filter(b => b.type !== 'tool_result'),
    stop_reason: response.stopReason,
    stop_sequence: null,
    usage: {
      input_tokens: response.usage.inputTokens,
      output_tokens: response.usage.outputTokens,
    },
  };
}

/** Anthropic's error types by HTTP status. */
function errorType(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    default:
      return 'api_error';
  }
}

export const anthropicError = (status: number, message: string) => ({
  type: 'error',
  error: { type: errorType(status), message },
});

/**
 * Writes gateway events as the Messages API's stream: message_start, a text
 * block of deltas, one block per tool call, message_delta and message_stop.
 */
class MessagesStreamWriter {
  private index = -1;
  private textOpen = false;

  constructor(
    private readonly res: Response,
    private readonly model: string,
    private readonly id: string,
  ) {}

  start() {
    this.send('message_start', {
      type: 'message_start',
      message: {
        id: this.id,
        type: 'message',
        role: 'assistant',
        model: this.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 0, output_tokens: 0 },
      },
    });
  }

  write(event: CompletionEvent) {
    switch (event.type) {
      case 'text_delta':
        if (!this.textOpen) {
          this.index += 1;
          this.textOpen = true;
          this.send('content_block_start', {
            type: 'content_block_start',
            index: this.index,
            content_block: { type: 'text', text: '' },
          });
        }
        this.send('content_block_delta', {
          type: 'content_block_delta',
          index: this.index,
          delta: { type: 'text_delta', text: event.text },
        });
        return;
      case 'tool_use':
        this.closeText();
        this.index += 1;
        this.send('content_block_start', {
          type: 'content_block_start',
          index: this.index,
          content_block: { ...event.block, input: {} },
        });
        this.send('content_block_delta', {
          type: 'content_block_delta',
          index: this.index,
          delta: {
            type: 'input_json_delta',
            partial_json: JSON.stringify(event.block.input),
          },
        });
        this.send('content_block_stop', {
          type: 'content_block_stop',
          index: this.index,
        });
        return;
      case 'done':
        this.closeText();
        this.send('message_delta', {
          type: 'message_delta',
          delta: {
            stop_reason: event.response.stopReason,
            stop_sequence: null,
          },
          usage: {
            input_tokens: event.response.usage.inputTokens,
            output_tokens: event.response.usage.outputTokens,
          },
        });
        this.send('message_stop', { type: 'message_stop' });
        return;
      default:
        this.error(event.status, event.message);
    }
  }

  error(status: number, message: string) {
    this.send('error', anthropicError(status, message));
  }

  private closeText() {
    if (this.textOpen) {
      this.send('content_block_stop', {
        type: 'content_block_stop',
        index: this.index,
      });
      this.textOpen = false;
    }
  }

  private send(event: string, data: unknown) {
    this.res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }
}

/**
 * `/anthropic/v1/messages`: the Anthropic Messages API in front of the
 * gateway, for IDE assistants and scripts. The Backstage token goes in
 * `Authorization: Bearer` (the SDK's `authToken`) or in `x-api-key` (its
 * `apiKey`). Errors come back in Anthropic's error shape.
 */
export function createAnthropicRouter(
  deps: CallerDeps & { gateway: Gateway; maxBodyBytes: number },
) {
  const router = Router();
  router.use(express.json({ limit: deps.maxBodyBytes }));
  router.use((req, _res, next) => {
    const apiKey = req.header('x-api-key');
    if (!req.headers.authorization && apiKey) {
      req.headers.authorization = `Bearer ${apiKey}`;
    }
    next();
  });

  router.post('/v1/messages', async (req, res) => {
    // Who is calling first: an anonymous caller learns nothing from validation.
    const caller = await callerOf(deps, req, res);
    const body = parseBody(messagesRequestSchema, req.body);
    const request = fromMessagesRequest(body, req);
    if (!body.stream) {
      res.json(
        toMessagesResponse(await deps.gateway.complete(request, caller)),
      );
      return;
    }
    const writer = new MessagesStreamWriter(
      res,
      body.model,
      `msg_${Date.now().toString(36)}`,
    );
    let started = false;
    await streamEvents(
      res,
      deps.gateway.completeStream(request, caller),
      event => {
        if (!started) {
          writer.start();
          started = true;
        }
        writer.write(event);
      },
      error => {
        const status = statusOf(error);
        writer.error(status, messageOf(error, status));
      },
    );
  });

  router.use((_req: Request, _res: Response) => {
    throw new NotFoundError('Only POST /anthropic/v1/messages is served here');
  });
  router.use(
    (error: unknown, _req: Request, res: Response, next: NextFunction) => {
      if (res.headersSent) {
        next(error);
        return;
      }
      const status = statusOf(error);
      setRetryAfter(res, error);
      res.status(status).json(anthropicError(status, messageOf(error, status)));
    },
  );
  return router;
}
