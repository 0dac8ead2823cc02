import { NotFoundError } from '@backstage/errors';
import type {
  CompletionEvent,
  CompletionRequest,
  CompletionResponse,
} from '@pilothouse/plugin-llm-gateway-common';
import express, { NextFunction, Request, Response } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { Gateway } from '../services/Gateway';
import {
  fromOpenAiMessages,
  toOpenAiFinishReason,
} from '../services/Providers/openaiMapping';
import { CONVERSATION_HEADER, ENTITY_HEADER } from './anthropic';
import { setRetryAfter } from './quotas';
import { CallerDeps, callerOf, messageOf, parseBody, statusOf } from './caller';
import { streamEvents } from './v1';

// Only text parts: an image or audio part cannot be inspected, so it is refused.
const textPart = z.object({ type: z.literal('text'), text: z.string() });

const chatRequestSchema = z.object({
  model: z.string().min(1),
  messages: z
    .array(
      z.object({
        role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
        content: z.union([z.string(), z.array(textPart), z.null()]).optional(),
        tool_calls: z
          .array(
            z.object({
              id: z.string().min(1),
              type: z.literal('function').optional(),
              function: z.object({
                name: z.string().min(1),
                arguments: z.string().optional(),
              }),
            }),
          )
          .optional(),
        tool_call_id: z.string().optional(),
        name: z.string().optional(),
      }),
    )
    .min(1),
  tools: z
    .array(
      z.object({
        type: z.literal('function'),
        function: z.object({
          name: z.string().min(1),
          description: z.string().optional(),
          parameters: z.record(z.unknown()).optional(),
        }),
      }),
    )
    .optional(),
  max_tokens: z.number().int().positive().max(200_000).optional(),
  max_completion_tokens: z.number().int().positive().max(200_000).optional(),
  temperature: z.number().min(0).max(2).optional(),
  stream: z.boolean().optional(),
  stream_options: z
    .object({ include_usage: z.boolean().optional() })
    .optional(),
});

type ChatRequest = z.infer<typeof chatRequestSchema>;

function fromChatRequest(body: ChatRequest, req: Request): CompletionRequest {
  const { system, messages } = fromOpenAiMessages(body.messages);
  return {
    model: body.model === 'auto' ? undefined : body.model,
    system,
    messages,
    tools: body.tools?.map(t => ({
      name: t.function.name,
      description: t.function.description,
      input_schema: t.function.parameters ?? { type: 'object', properties: {} },
    })),
    maxTokens: body.max_completion_tokens ?? body.max_tokens,
    temperature: body.temperature,
    entityRef: req.header(ENTITY_HEADER) || undefined,
    conversationId: req.header(CONVERSATION_HEADER) || undefined,
  };
}

const usageOf = (response: CompletionResponse) => ({
  prompt_tokens: response.usage.inputTokens,
  completion_tokens: response.usage.outputTokens,
  total_tokens: response.usage.inputTokens + response.usage.outputTokens,
});

const toolCallsOf = (response: CompletionResponse) =>
  response.content.flatMap(b =>
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

function toChatCompletion(response: CompletionResponse) {
  const text = response.content
    .map(b => (b.type === 'text' ? b.text : ''))
    .join('');
  const toolCalls = toolCallsOf(response);
  return {
    id: response.id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: response.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text || null,
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
          refusal: null,
        },
        finish_reason: toOpenAiFinishReason(response.stopReason),
        logprobs: null,
      },
    ],
    usage: usageOf(response),
  };
}

function errorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status < 500) return 'invalid_request_error';
  return 'server_error';
}

const openAiError = (status: number, message: string) => ({
  error: { message, type: errorType(status), param: null, code: null },
});

/**
 * `/openai/v1`: OpenAI's chat completions API in front of the gateway, for
 * scripts and IDE assistants that speak it (the Backstage token is the API
 * key). Errors come back in OpenAI's error shape.
 */
export function createOpenAiRouter(
  deps: CallerDeps & { gateway: Gateway; maxBodyBytes: number },
) {
  const router = Router();
  router.use(express.json({ limit: deps.maxBodyBytes }));

  router.get('/v1/models', async (req, res) => {
    await callerOf(deps, req, res);
    res.json({
      object: 'list',
      data: deps.gateway.models().map(m => ({
        id: m.id,
        object: 'model',
        created: 0,
        owned_by: m.provider,
      })),
    });
  });

  router.post('/v1/chat/completions', async (req, res) => {
    // Who is calling first: an anonymous caller learns nothing from validation.
    const caller = await callerOf(deps, req, res);
    const body = parseBody(chatRequestSchema, req.body);
    const request = fromChatRequest(body, req);
    if (!body.stream) {
      res.json(toChatCompletion(await deps.gateway.complete(request, caller)));
      return;
    }
    const id = `chatcmpl_${Date.now().toString(36)}`;
    const created = Math.floor(Date.now() / 1000);
    let toolIndex = 0;
    let started = false;
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      res.write(
        `data: ${JSON.stringify({
          id,
          object: 'chat.completion.chunk',
          created,
          model: body.model,
          choices,
          ...extra,
        })}\n\n`,
      );
    const write = (event: CompletionEvent) => {
      if (!started) {
        chunk([
          {
            index: 0,
            delta: { role: 'assistant', content: '' },
            finish_reason: null,
          },
        ]);
        started = true;
      }
      switch (event.type) {
        case 'text_delta':
          chunk([
            { index: 0, delta: { content: event.text }, finish_reason: null },
          ]);
          return;
        case 'tool_use':
          chunk([
            {
              index: 0,
              delta: {
                tool_calls: [
                  {
                    index: toolIndex++,
                    id: event.block.id,
                    type: 'function',
                    function: {
                      name: event.block.name,
                      arguments: JSON.stringify(event.block.input),
                    },
                  },
                ],
              },
              finish_reason: null,
            },
          ]);
          return;
        case 'done':
          chunk([
            {
              index: 0,
              delta: {},
              finish_reason: toOpenAiFinishReason(event.response.stopReason),
            },
          ]);
          if (body.stream_options?.include_usage) {
            chunk([], { usage: usageOf(event.response) });
          }
          res.write('data: [DONE]\n\n');
          return;
        default:
          // OpenAI's clients raise a data frame that carries `error`.
          res.write(
            `data: ${JSON.stringify(
              openAiError(event.status, event.message),
            )}\n\n`,
          );
      }
    };
    await streamEvents(
      res,
      deps.gateway.completeStream(request, caller),
      write,
      error => {
        const status = statusOf(error);
        write({ type: 'error', status, message: messageOf(error, status) });
      },
    );
  });

  router.use((_req: Request, _res: Response) => {
    throw new NotFoundError(
      'Only POST /openai/v1/chat/completions and GET /openai/v1/models are served here',
    );
  });
  router.use(
    (error: unknown, _req: Request, res: Response, next: NextFunction) => {
      if (res.headersSent) {
        next(error);
        return;
      }
      const status = statusOf(error);
      setRetryAfter(res, error);
      res.status(status).json(openAiError(status, messageOf(error, status)));
    },
  );
  return router;
}
