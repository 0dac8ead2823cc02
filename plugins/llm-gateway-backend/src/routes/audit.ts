import type {
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  llmGatewayAuditPermission,
  llmGatewayReadPermission,
  type AuditQuery,
} from '@pilothouse/plugin-llm-gateway-common';
import type express from 'express';
import { z } from 'zod';
import { FINDING_KEY } from '../services/Audit/DatabaseAuditLog';
import { resolvePrincipal } from '../services/principal';
import { hasAnyPermission } from './caller';
import type { AuditLog } from '../services/types';

export interface AuditRoutesOptions {
  auditLog: AuditLog;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
}

const instant = z
  .string()
  .datetime({ offset: true })
  .transform(value => new Date(value).toISOString());
const positiveInt = z.coerce.number().int().positive();

const auditQuerySchema = z
  .object({
    actor: z.string().min(1).optional(),
    entityRef: z.string().min(1).optional(),
    decision: z.enum(['allow', 'deny', 'ask', 'block', 'error']).optional(),
    findingType: z
      .string()
      .regex(FINDING_KEY, 'must be a finding type such as EMAIL or SECRET:jwt')
      .optional(),
    kind: z
      .enum(['model', 'tool', 'inspect', 'policy-change', 'approval'])
      .optional(),
    from: instant.optional(),
    to: instant.optional(),
    limit: positiveInt.max(500).optional(),
    before: positiveInt.optional(),
  })
  .strict();

const rangeSchema = z
  .object({ fromSeq: positiveInt.optional(), toSeq: positiveInt.optional() })
  .strict();

function parse<T>(schema: z.ZodType<T, any, any>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
    throw new InputError(`Invalid query: ${where}${issue.message}`);
  }
  return parsed.data;
}

/**
 * `/v1/audit`: the log with filters (everyone sees their own records; the
 * audit permission sees all), chain verification and its last result.
 */
export function addAuditRoutes(
  router: express.Router,
  options: AuditRoutesOptions,
): void {
  const { auditLog, httpAuth, userInfo, permissions } = options;

  router.get('/v1/audit', async (req, res) => {
    const query: AuditQuery = parse(auditQuerySchema, req.query);
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    if (
      !(await hasAnyPermission(permissions, credentials, llmGatewayAuditPermission))
    ) {
      const principal = await resolvePrincipal(credentials, userInfo);
      if (query.actor && query.actor !== principal.ref) {
        throw new NotAllowedError(
          `You may read only your own audit records (${principal.ref}); others' need the ${llmGatewayAuditPermission.name} permission`,
        );
      }
      query.actor = principal.ref;
    }
    res.json(await auditLog.query(query));
  });

  router.get('/v1/audit/verify', async (req, res) => {
    const range = parse(rangeSchema, req.query);
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    if (
      !(await hasAnyPermission(permissions, credentials, llmGatewayAuditPermission))
    ) {
      throw new NotAllowedError(
        `Verifying the audit chain needs the ${llmGatewayAuditPermission.name} permission`,
      );
    }
    res.json(await auditLog.verify(range));
  });

  router.get('/v1/audit/verification', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const allowed = await hasAnyPermission(
      permissions,
      credentials,
      llmGatewayAuditPermission,
      llmGatewayReadPermission,
    );
    if (!allowed) {
      throw new NotAllowedError(
        `The audit chain status needs the ${llmGatewayReadPermission.name} or ${llmGatewayAuditPermission.name} permission`,
      );
    }
    const last = await auditLog.lastVerification();
    if (!last) {
      throw new NotFoundError('The audit chain has not been verified yet');
    }
    res.json(last);
  });
}
