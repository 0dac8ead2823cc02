import type { PermissionsService } from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  DETECTION_LEVELS,
  logSearchDetectionsReadPermission,
  logSearchDetectionsUpdatePermission,
  type Detection,
} from '@pilothouse/plugin-log-search-common';
import type { DetectionStore } from './database/DatabaseDetectionStore';
import { actorOf, parseSince, requirePermission } from './router';

/** The JSON an action answers for a detection (no undefined members). */
function plain(detection: Detection) {
  return JSON.parse(JSON.stringify(detection)) as Record<string, unknown>;
}

/**
 * Detections as Backstage actions, so the assistant and MCP clients (through
 * mcp-actions) list and acknowledge them under the caller's permissions.
 */
export function registerDetectionActions(options: {
  actionsRegistry: ActionsRegistryService;
  store: DetectionStore;
  permissions: PermissionsService;
}) {
  const { actionsRegistry, store, permissions } = options;

  actionsRegistry.register({
    name: 'list-detections',
    title: 'List security detections',
    description: [
      'Lists threat detections from log search (Sigma rules, correlations and anomalies), newest first.',
      'Each has a rule, a level, a status (open, acknowledged, resolved), the group it concerns',
      '(`actor=user:default/alice`, `userIdentity.arn=...`), its match count and MITRE ATT&CK tags.',
      'Example: { "status": ["open"], "level": ["high", "critical"], "since": "now-24h" }.',
    ].join(' '),
    schema: {
      input: z =>
        z.object({
          since: z
            .string()
            .optional()
            .describe(
              'Last seen at or after: ISO 8601 or relative like now-24h',
            ),
          status: z
            .array(z.enum(['open', 'acknowledged', 'resolved']))
            .optional(),
          level: z.array(z.enum(DETECTION_LEVELS)).optional(),
          entityRef: z
            .string()
            .optional()
            .describe('Only detections on this catalog entity'),
          limit: z
            .number()
            .int()
            .min(1)
            .max(200)
            .optional()
            .describe('At most this many (default 50)'),
        }),
      output: z =>
        z.object({
          detections: z.array(z.record(z.string(), z.unknown())),
        }),
    },
    attributes: { readOnly: true, idempotent: true, destructive: false },
    action: async ({ input, credentials }) => {
      await requirePermission(
        permissions,
        credentials,
        logSearchDetectionsReadPermission,
      );
      const detections = await store.list({
        ...(input.since ? { since: parseSince(input.since) } : {}),
        ...(input.status ? { status: input.status } : {}),
        ...(input.level ? { level: input.level } : {}),
        ...(input.entityRef ? { entityRef: input.entityRef } : {}),
        limit: input.limit ?? 50,
      });
      return { output: { detections: detections.map(plain) } };
    },
  });

  actionsRegistry.register({
    name: 'acknowledge-detection',
    title: 'Acknowledge a security detection',
    description:
      'Marks an open detection as acknowledged by the caller (someone is looking at it), with an optional note. Fails if it is already acknowledged or resolved. Example: { "id": "3f1c…", "note": "checking with the payments team" }.',
    schema: {
      input: z =>
        z.object({
          id: z.string().min(1).describe('The detection id'),
          note: z.string().max(2000).optional(),
        }),
      output: z => z.object({ detection: z.record(z.string(), z.unknown()) }),
    },
    attributes: { readOnly: false, idempotent: false, destructive: false },
    action: async ({ input, credentials }) => {
      await requirePermission(
        permissions,
        credentials,
        logSearchDetectionsUpdatePermission,
      );
      const detection = await store.acknowledge(
        input.id,
        actorOf(credentials),
        input.note,
      );
      return { output: { detection: plain(detection) } };
    },
  });
}
