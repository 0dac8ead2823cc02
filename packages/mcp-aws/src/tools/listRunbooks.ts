import { ListDocumentsCommand } from '@aws-sdk/client-ssm';
import { z } from 'zod';
import { defineTool, region, result } from './types';

export const listRunbooks = defineTool({
  name: 'list_runbooks',
  title: 'List SSM Automation runbooks',
  description: `List SSM Automation documents (runbooks) that can be started with
start_runbook: your account's own by default, or Amazon's with owner "Amazon".
Filter by a name prefix.

Example: { "namePrefix": "Payments-" } →
"2 runbooks: Payments-RestartTasks (v3), Payments-FailoverDb (v1)"`,
  inputSchema: {
    region,
    owner: z
      .enum(['Self', 'Amazon', 'Public', 'Private', 'All'])
      .default('Self')
      .describe(
        'Whose documents: Self (default), Amazon, Public, Private, All',
      ),
    namePrefix: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .describe('Only runbooks whose name starts with this'),
    maxResults: z.number().int().min(1).max(50).default(50),
  },
  annotations: {
    title: 'List SSM Automation runbooks',
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: true,
  },
  permissions: ['ssm:ListDocuments'],
  async handler({ owner, namePrefix, maxResults }, ctx) {
    const out = await ctx.send('ssm', c =>
      c.send(
        new ListDocumentsCommand({
          Filters: [
            { Key: 'DocumentType', Values: ['Automation'] },
            ...(owner === 'All' ? [] : [{ Key: 'Owner', Values: [owner] }]),
            ...(namePrefix ? [{ Key: 'Name', Values: [namePrefix] }] : []),
          ],
          MaxResults: maxResults,
        }),
      ),
    );
    const runbooks = (out.DocumentIdentifiers ?? []).map(d => ({
      name: d.Name ?? '',
      version: d.DocumentVersion,
      owner: d.Owner,
      description: d.DisplayName,
    }));
    return result(
      runbooks.length
        ? `${runbooks.length} runbooks in ${ctx.region}: ${runbooks
            .map(r => `${r.name}${r.version ? ` (v${r.version})` : ''}`)
            .join(', ')}`
        : `No Automation runbooks match in ${ctx.region}.`,
      { region: ctx.region, runbooks, truncated: Boolean(out.NextToken) },
    );
  },
});
