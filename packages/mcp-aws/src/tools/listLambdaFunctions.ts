import { ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { z } from 'zod';
import { defineTool, region, result } from './types';

export const listLambdaFunctions = defineTool({
  name: 'list_lambda_functions',
  title: 'List Lambda functions',
  description: `List Lambda functions in a region with runtime, memory, timeout and last
modification, optionally only those whose name starts with a prefix.

Example: { "namePrefix": "payments-" } →
"2 functions: payments-refunds (nodejs22.x, 512 MB), payments-webhooks (python3.12, 256 MB)"`,
  inputSchema: {
    region,
    namePrefix: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe('Only functions whose name starts with this'),
    maxItems: z.number().int().min(1).max(50).default(50),
  },
  annotations: {
    title: 'List Lambda functions',
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: true,
  },
  permissions: ['lambda:ListFunctions'],
  async handler({ namePrefix, maxItems }, ctx) {
    const out = await ctx.send('lambda', c =>
      c.send(new ListFunctionsCommand({ MaxItems: maxItems })),
    );
    const functions = (out.Functions ?? [])
      .filter(f => !namePrefix || (f.FunctionName ?? '').startsWith(namePrefix))
      .map(f => ({
        name: f.FunctionName ?? '',
        runtime: f.Runtime,
        memoryMb: f.MemorySize,
        timeoutSeconds: f.Timeout,
        lastModified: f.LastModified,
        state: f.State,
      }));
    return result(
      functions.length
        ? `${functions.length} functions in ${ctx.region}: ${functions
            .map(f => `${f.name} (${f.runtime ?? 'image'}, ${f.memoryMb} MB)`)
            .join(', ')}`
        : `No Lambda functions match in ${ctx.region}.`,
      { region: ctx.region, functions, truncated: Boolean(out.NextMarker) },
    );
  },
});
