import { z } from 'zod';

/** Canonical (Anthropic-shaped) content blocks, as `/v1/complete` takes them. */
export const contentBlockSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({
    type: z.literal('tool_use'),
    id: z.string().min(1),
    name: z.string().min(1),
    input: z.record(z.unknown()),
  }),
  z.object({
    type: z.literal('tool_result'),
    tool_use_id: z.string().min(1),
    content: z.string(),
    is_error: z.boolean().optional(),
  }),
]);

export const toolSpecSchema = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  input_schema: z.record(z.unknown()),
});

export const completionRequestSchema = z.object({
  model: z.string().min(1).optional(),
  system: z.string().optional(),
  messages: z
    .array(
      z.object({
        role: z.enum(['user', 'assistant']),
        content: z.union([z.string(), z.array(contentBlockSchema)]),
      }),
    )
    .min(1),
  tools: z.array(toolSpecSchema).optional(),
  maxTokens: z.number().int().positive().max(200_000).optional(),
  temperature: z.number().min(0).max(2).optional(),
  entityRef: z.string().min(1).optional(),
  conversationId: z.string().min(1).max(200).optional(),
});

/**
 * Keys that name an object's prototype machinery: as argument names they
 * would change the arguments object itself (`__proto__`) or make it fail the
 * MCP SDK's own record check (`constructor`), so they are refused here, with
 * their name, before any policy or server sees the call.
 */
const RESERVED_ARGUMENT_NAMES = ['__proto__', 'constructor', 'prototype'];

export const toolCallRequestSchema = z.object({
  tool: z.string().min(1),
  arguments: z
    .record(z.unknown())
    .default({})
    .superRefine((args, ctx) => {
      for (const name of RESERVED_ARGUMENT_NAMES) {
        if (Object.prototype.hasOwnProperty.call(args, name)) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: [name],
            message: `"${name}" is not allowed as an argument name`,
          });
        }
      }
    }),
  entityRef: z.string().min(1).optional(),
  conversationId: z.string().min(1).max(200).optional(),
  approvalId: z.string().min(1).optional(),
});

export const inspectRequestSchema = z.object({
  text: z.string(),
  direction: z.enum(['input', 'output']),
  entityRef: z.string().min(1).optional(),
  conversationId: z.string().min(1).max(200).optional(),
  asUser: z.string().min(1).optional(),
});

export const approvalDecisionSchema = z.object({
  comment: z.string().max(2000).optional(),
});
