import type { PermissionsService } from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { logSearchEventsReadPermission } from '@pilothouse/plugin-log-search-common';
import type { LogSearchService } from './services/LogSearchService';

/** Events an action answers with at most: enough for a model to read. */
const MAX_ACTION_EVENTS = 200;

/**
 * Log search as a Backstage action (`log-search:search-logs`), so the
 * assistant and outside MCP clients reach it through mcp-actions.
 */
export function registerLogSearchActions(options: {
  actionsRegistry: ActionsRegistryService;
  permissions: PermissionsService;
  search: LogSearchService;
}) {
  const { actionsRegistry, permissions, search } = options;
  actionsRegistry.register({
    name: 'search-logs',
    title: 'Search logs',
    description: `Searches the portal's stored log events (application logs, Kubernetes and cloud audit logs, the AI gateway's audit) with a Lucene-style query, newest first.

Query syntax: bare words and "quoted phrases" search the message; field:value matches a field exactly (service, level, source, entity, traceId, or any attribute such as k8s.namespace.name or userIdentity.arn); AND, OR, NOT and parentheses combine; * and ? are wildcards; ranges like status:[500 TO 599] or status:>=500; level:>=warn.

Example: {"query": "service:payments AND level:error AND \\"timeout\\"", "from": "now-1h"}`,
    visibilityPermission: logSearchEventsReadPermission,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          query: z
            .string()
            .describe('Lucene-style query; empty matches everything'),
          from: z
            .string()
            .optional()
            .describe(
              'Start: ISO 8601 or relative (now-15m, now-24h); default now-1h',
            ),
          to: z
            .string()
            .optional()
            .describe('End: ISO 8601 or relative; default now'),
          limit: z
            .number()
            .int()
            .min(1)
            .max(MAX_ACTION_EVENTS)
            .optional()
            .describe(
              `Most events to return (default 50, at most ${MAX_ACTION_EVENTS})`,
            ),
          cursor: z
            .string()
            .optional()
            .describe('nextCursor of the previous answer'),
        }),
      output: z =>
        z.object({
          total: z.number().describe('Matches in the range'),
          totalIsLowerBound: z.boolean().optional(),
          nextCursor: z.string().optional(),
          events: z.array(
            z.object({
              id: z.string(),
              timestamp: z.string(),
              severity: z.string(),
              service: z.string().optional(),
              entityRef: z.string().optional(),
              source: z.string(),
              message: z.string(),
              attributes: z.record(z.string(), z.unknown()),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      const [decision] = await permissions.authorize(
        [{ permission: logSearchEventsReadPermission }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          `You need the ${logSearchEventsReadPermission.name} permission to read log events`,
        );
      }
      const result = await search.search({
        q: input.query,
        from: input.from,
        to: input.to,
        limit: input.limit ?? 50,
        cursor: input.cursor,
      });
      return {
        output: {
          total: result.total,
          ...(result.totalIsLowerBound ? { totalIsLowerBound: true } : {}),
          ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}),
          events: result.events.map(event => ({
            id: event.id,
            timestamp: event.timestamp,
            severity: event.severity,
            source: event.source,
            message: event.message,
            attributes: event.attributes,
            ...(event.service ? { service: event.service } : {}),
            ...(event.entityRef ? { entityRef: event.entityRef } : {}),
          })),
        },
      };
    },
  });
}
