import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  DETECTION_LEVELS,
  logSearchDetectionsReadPermission,
  logSearchDetectionsUpdatePermission,
  type DetectionListResponse,
  type DetectionResponse,
  type RuleListResponse,
} from '@pilothouse/plugin-log-search-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type {
  DetectionFilter,
  DetectionStore,
} from './database/DatabaseDetectionStore';
import type { DetectionEngine } from './services/DetectionEngine/DetectionEngine';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  store: DetectionStore;
  engine: DetectionEngine;
}

const STATUSES = ['open', 'acknowledged', 'resolved'] as const;

const listSchema = z
  .object({
    since: z.string().optional(),
    status: z.string().optional(),
    level: z.string().optional(),
    entityRef: z.string().min(1).optional(),
    ruleId: z.string().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
  })
  .strict();

const decisionSchema = z
  .object({ note: z.string().max(2000).optional() })
  .strict();

function invalid(error: z.ZodError): never {
  throw new InputError(
    `Invalid request: ${error.issues
      .map(i => `${i.path.join('.') || 'body'}: ${i.message}`)
      .join('; ')}`,
  );
}

/** `2026-11-27T10:00:00Z`, `now-24h` or `24h` (that long ago) → ISO 8601. */
export function parseSince(text: string, now = Date.now()): string {
  const relative = /^(?:now-)?(\d+)([smhdw])$/.exec(text.trim());
  if (relative) {
    const unit = { s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5 }[
      relative[2] as 's'
    ];
    return new Date(now - Number(relative[1]) * unit).toISOString();
  }
  const t = Date.parse(text);
  if (Number.isNaN(t)) {
    throw new InputError(
      `since "${text}" is neither an ISO 8601 time nor a relative one like now-24h`,
    );
  }
  return new Date(t).toISOString();
}

function listOf<T extends string>(
  name: string,
  text: string | undefined,
  allowed: readonly T[],
) {
  if (!text) return undefined;
  const values = text
    .split(',')
    .map(v => v.trim())
    .filter(Boolean);
  for (const v of values) {
    if (!allowed.includes(v as T)) {
      throw new InputError(
        `${name} "${v}" is not one of ${allowed.join(', ')}`,
      );
    }
  }
  return values as T[];
}

/** Reads the list filter from query parameters; bad values name the parameter. */
export function parseDetectionFilter(query: unknown): DetectionFilter {
  const parsed = listSchema.safeParse(query ?? {});
  if (!parsed.success) invalid(parsed.error);
  const q = parsed.data;
  return {
    ...(q.since ? { since: parseSince(q.since) } : {}),
    ...(q.status ? { status: listOf('status', q.status, STATUSES) } : {}),
    ...(q.level ? { level: listOf('level', q.level, DETECTION_LEVELS) } : {}),
    ...(q.entityRef ? { entityRef: q.entityRef } : {}),
    ...(q.ruleId ? { ruleId: q.ruleId } : {}),
    limit: q.limit ?? 100,
  };
}

export async function requirePermission(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  permission: BasicPermission,
) {
  const [decision] = await permissions.authorize([{ permission }], {
    credentials,
  });
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      `You need the ${permission.name} permission for this`,
    );
  }
}

/** Who acts: the user's entity ref, or the calling service. */
export function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    userEntityRef?: string;
    subject?: string;
  };
  return principal.userEntityRef ?? principal.subject ?? 'unknown';
}

/** The detection routes of `/api/log-search` (see log-search-common's api.ts). */
export async function createDetectionsRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, store, engine } = options;
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  const caller = async (req: express.Request, permission: BasicPermission) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    await requirePermission(permissions, credentials, permission);
    return credentials;
  };

  router.get('/v1/detections', async (req, res) => {
    await caller(req, logSearchDetectionsReadPermission);
    const body: DetectionListResponse = {
      items: await store.list(parseDetectionFilter(req.query)),
    };
    res.json(body);
  });

  router.get('/v1/detections/:id', async (req, res) => {
    await caller(req, logSearchDetectionsReadPermission);
    const body: DetectionResponse = await store.get(req.params.id);
    res.json(body);
  });

  for (const action of ['acknowledge', 'resolve'] as const) {
    router.post(`/v1/detections/:id/${action}`, async (req, res) => {
      const credentials = await caller(
        req,
        logSearchDetectionsUpdatePermission,
      );
      const parsed = decisionSchema.safeParse(req.body ?? {});
      if (!parsed.success) invalid(parsed.error);
      const by = actorOf(credentials);
      if (action === 'acknowledge')
        await store.acknowledge(req.params.id, by, parsed.data.note);
      else await store.resolve(req.params.id, by, parsed.data.note);
      const body: DetectionResponse = await store.get(req.params.id);
      res.json(body);
    });
  }

  router.get('/v1/rules', async (req, res) => {
    await caller(req, logSearchDetectionsReadPermission);
    const body: RuleListResponse = {
      items: engine.rules(),
      packs: engine.packSummary(),
    };
    res.json(body);
  });

  return router;
}
