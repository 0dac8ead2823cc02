import type {
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotFoundError,
} from '@backstage/errors';
import type { BasicPermission } from '@backstage/plugin-permission-common';
import {
  DATA_CLASSES,
  llmGatewayAdminPermission,
  llmGatewayReadPermission,
  type DataClass,
  type PolicyEvaluateResponse,
  type PolicyHistoryResponse,
  type PolicyInput,
  type PolicyListResponse,
  type PolicyLoadProblem,
  type PolicyValidateResponse,
} from '@pilothouse/plugin-llm-gateway-common';
import type express from 'express';
import { z } from 'zod';
import type { CatalogEntityResolver } from '../services/Entities/CatalogEntityResolver';
import { mostSensitive } from '../services/Entities/dataClass';
import { POLICY_NAME_PATTERN } from '../services/Policy/policyDocument';
import type { StoredPolicyEngine } from '../services/Policy/StoredPolicyEngine';
import type { AuditLog, PolicyStore } from '../services/types';
import { requirePermission } from './caller';

export interface PolicyRoutesOptions {
  store: PolicyStore;
  engine: StoredPolicyEngine;
  entities: CatalogEntityResolver;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  logger: LoggerService;
  /** Repository files refused at start (their last good version stays). */
  fileProblems: PolicyLoadProblem[];
  /** Class of requests that concern no entity. */
  defaultDataClass: DataClass;
  /** When given, every policy change is recorded there too. */
  audit?: AuditLog;
}

const nameParam = z
  .string()
  .regex(
    POLICY_NAME_PATTERN,
    'a policy name is lower-case letters, digits and dashes',
  );
const versionQuery = z.object({
  version: z.coerce.number().int().positive().optional(),
});
const validateBody = z.object({ source: z.string() });
const saveBody = z.object({
  source: z.string().min(1, 'the policy text is empty'),
  comment: z.string().max(500).optional(),
  baseVersion: z.number().int().positive().optional(),
});
const restoreBody = z.object({
  version: z.number().int().positive(),
  comment: z.string().max(500).optional(),
});
const evaluateBody = z.object({
  user: z.string().min(1),
  request: z.object({
    kind: z.enum(['model', 'tool', 'inspect']),
    model: z.string().optional(),
    provider: z
      .object({
        id: z.string(),
        type: z.enum(['local', 'anthropic', 'openai']),
        local: z.boolean(),
      })
      .optional(),
    tool: z
      .object({
        server: z.string(),
        name: z.string(),
        readOnly: z.boolean().optional(),
        destructive: z.boolean().optional(),
        idempotent: z.boolean().optional(),
      })
      .optional(),
    arguments: z.record(z.unknown()).optional(),
    entityRef: z.string().optional(),
    findings: z.array(z.string()).optional(),
    dataClass: z.enum(DATA_CLASSES).optional(),
  }),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const details = result.error.issues
      .map(i =>
        i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message,
      )
      .join('; ');
    throw new InputError(`Invalid ${what}: ${details}`);
  }
  return result.data;
}

/**
 * `/v1/policies`: read (any signed-in user with `llm-gateway.read`), edit,
 * validate, restore and try out (`llm-gateway.admin`) the gateway policies.
 */
export function addPolicyRoutes(
  router: express.Router,
  options: PolicyRoutesOptions,
): void {
  const { store, engine, entities, httpAuth, permissions, logger, audit } =
    options;

  async function authorize(
    req: express.Request,
    permission: BasicPermission,
  ): Promise<BackstageCredentials> {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    await requirePermission(permissions, credentials, permission);
    return credentials;
  }

  function authorOf(credentials: BackstageCredentials): string {
    const principal = credentials.principal as
      | { type: 'user'; userEntityRef: string }
      | { type: 'service'; subject: string };
    return principal.type === 'user'
      ? principal.userEntityRef
      : principal.subject;
  }

  async function recordChange(
    author: string,
    name: string,
    version: number,
    reason: string,
  ) {
    logger.info(reason, { policy: name, version, author });
    // The version is stored; if reloading fails now, the next check does it.
    await engine.refresh().catch(error =>
      logger.warn('policy engine could not reload after a change', {
        error: String(error),
      }),
    );
    await audit?.append({
      actor: author,
      kind: 'policy-change',
      target: `policy:${name}@${version}`,
      decision: 'allow',
      reason,
      findings: {},
    });
  }

  router.get('/v1/policies', async (req, res) => {
    await authorize(req, llmGatewayReadPermission);
    const [documents, status] = await Promise.all([
      store.list(),
      engine.status(),
    ]);
    const active = new Map(status.active.map(a => [a.name, a]));
    const body: PolicyListResponse = {
      policies: documents.map(d => ({
        ...d,
        ...(active.has(d.name)
          ? {
              activeVersion: active.get(d.name)!.version,
              priority: active.get(d.name)!.priority,
            }
          : {}),
      })),
      problems: [...options.fileProblems, ...status.problems],
    };
    res.json(body);
  });

  router.post('/v1/policies/evaluate', async (req, res) => {
    const credentials = await authorize(req, llmGatewayAdminPermission);
    const body = parse(evaluateBody, req.body, 'evaluation request');
    // Who and what class come from the catalog, as for a real request.
    const principal = await entities.resolveUser(body.user, { credentials });
    const entity = body.request.entityRef
      ? await entities.resolve(body.request.entityRef, { credentials })
      : undefined;
    const { tool } = body.request;
    const input: PolicyInput = {
      principal,
      request: {
        kind: body.request.kind,
        // Inspection may raise the entity's class; nothing may lower it.
        dataClass: mostSensitive(
          entity?.dataClass ?? options.defaultDataClass,
          body.request.dataClass,
        ),
        ...(body.request.model ? { model: body.request.model } : {}),
        ...(body.request.provider ? { provider: body.request.provider } : {}),
        ...(tool
          ? {
              tool: {
                server: tool.server,
                name: tool.name,
                readOnly: tool.readOnly ?? false,
                // MCP's default: a tool that is not read-only may destroy.
                destructive: tool.destructive ?? !(tool.readOnly ?? false),
                idempotent: tool.idempotent ?? false,
              },
            }
          : {}),
        ...(body.request.arguments
          ? { arguments: body.request.arguments }
          : {}),
        ...(entity ? { entity } : {}),
        findings: body.request.findings ?? [],
      },
    };
    const response: PolicyEvaluateResponse = {
      decision: await engine.decide(input),
      input,
    };
    res.json(response);
  });

  router.get('/v1/policies/:name', async (req, res) => {
    await authorize(req, llmGatewayReadPermission);
    const name = parse(nameParam, req.params.name, 'policy name');
    const { version } = parse(versionQuery, req.query, 'query');
    const document = await store.get(name, version);
    if (!document) {
      throw new NotFoundError(
        version === undefined
          ? `No policy named "${name}"`
          : `Policy "${name}" has no version ${version}`,
      );
    }
    res.json(document);
  });

  router.get('/v1/policies/:name/history', async (req, res) => {
    await authorize(req, llmGatewayReadPermission);
    const name = parse(nameParam, req.params.name, 'policy name');
    const body: PolicyHistoryResponse = { versions: await store.history(name) };
    res.json(body);
  });

  router.post('/v1/policies/:name/validate', async (req, res) => {
    await authorize(req, llmGatewayReadPermission);
    const name = parse(nameParam, req.params.name, 'policy name');
    const { source } = parse(validateBody, req.body, 'validation request');
    const errors = await store.validate(name, source);
    const body: PolicyValidateResponse = { valid: errors.length === 0, errors };
    res.json(body);
  });

  router.put('/v1/policies/:name', async (req, res) => {
    const credentials = await authorize(req, llmGatewayAdminPermission);
    const name = parse(nameParam, req.params.name, 'policy name');
    const body = parse(saveBody, req.body, 'policy');
    const latest = await store.get(name);
    if (
      body.baseVersion !== undefined &&
      latest?.version !== body.baseVersion
    ) {
      throw new ConflictError(
        latest
          ? `Policy "${name}" changed since version ${body.baseVersion}: version ${latest.version} was saved by ${latest.author} at ${latest.time}`
          : `Policy "${name}" has no version ${body.baseVersion}`,
      );
    }
    const author = authorOf(credentials);
    const document = await store.save(name, body.source, author, body.comment);
    if (document.version !== latest?.version) {
      await recordChange(author, name, document.version, 'policy saved');
    }
    res.json(document);
  });

  router.post('/v1/policies/:name/restore', async (req, res) => {
    const credentials = await authorize(req, llmGatewayAdminPermission);
    const name = parse(nameParam, req.params.name, 'policy name');
    const body = parse(restoreBody, req.body, 'restore request');
    const author = authorOf(credentials);
    const latest = await store.get(name);
    const document = await store.restore(
      name,
      body.version,
      author,
      body.comment,
    );
    if (document.version !== latest?.version) {
      await recordChange(
        author,
        name,
        document.version,
        `policy restored from version ${body.version}`,
      );
    }
    res.json(document);
  });
}
