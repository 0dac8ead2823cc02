import type {
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { BasicPermission } from '@backstage/plugin-permission-common';
import {
  llmGatewayAdminPermission,
  llmGatewayReadPermission,
  type DataClass,
  type Decision,
  type DetectorListResponse,
  type DetectorSetting,
  type DlpRule,
  type DlpRuleList,
  type EntityContext,
  type Finding,
  type InspectResponse,
  type Principal,
} from '@pilothouse/plugin-llm-gateway-common';
import type express from 'express';
import { z } from 'zod';
import { mostSensitive } from '../services/Entities/dataClass';
import { resolvePrincipal } from '../services/principal';
import { parseBody, requirePermission } from './caller';
import type {
  AuditLog,
  EntityResolver,
  Inspector,
  PolicyEngine,
} from '../services/types';

const inspectRequestSchema = z
  .object({
    text: z.string(),
    direction: z.enum(['input', 'output']),
    entityRef: z.string().min(1).optional(),
    conversationId: z.string().min(1).max(255).optional(),
    asUser: z.string().min(1).optional(),
  })
  .strict();

const ACTION = z.enum(['allow', 'mask', 'redact', 'hash', 'block']);
const detectorUpdateSchema = z
  .object({
    enabled: z.boolean(),
    actions: z.object({ input: ACTION, output: ACTION }).strict(),
    minConfidence: z.number().min(0).max(1),
  })
  .strict();

const rulesUpdateSchema = z.object({ rules: z.array(z.unknown()) }).strict();


function describeBlock(findings: Finding[], direction: string): string {
  const blocking = [
    ...new Set(
      findings
        .filter(f => f.action === 'block')
        .map(f => (f.subtype ? `${f.type} (${f.subtype})` : f.type)),
    ),
  ];
  return `blocked: ${blocking.join(', ')} in ${direction}`;
}

/**
 * What the route asks once inspection is done. The default answers `deny`
 * when a finding blocks and `allow` otherwise; the gateway plugs in the
 * catalog's data class and the policy engine here.
 */
export type InspectDecide = (input: {
  principal: Principal;
  /** The caller's credentials: the entity is looked up with them. */
  credentials: BackstageCredentials;
  entityRef?: string;
  findings: Finding[];
  blocked: boolean;
  dataClass: DataClass;
}) => Promise<{ decision: Decision; dataClass: DataClass; reason?: string }>;

export interface InspectRoutesOptions {
  inspector: Inspector;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  logger: LoggerService;
  /**
   * SEAM for the lead: with these, `entityRef` raises the data class to the
   * entity's and policy decides (a blocking finding always denies).
   * `decide` replaces both when given.
   */
  entityResolver?: EntityResolver;
  policyEngine?: PolicyEngine;
  decide?: InspectDecide;
  /** When given, every inspection is recorded (finding counts, never values). */
  auditLog?: AuditLog;
}

/**
 * `POST /v1/inspect` for anyone signed in (user or service), and the admin
 * routes for detectors and custom DLP rules:
 * `GET /v1/detectors`, `PUT /v1/detectors/:type`, `GET /v1/rules`,
 * `PUT /v1/rules` (reads need `llm-gateway.read`, writes `llm-gateway.admin`).
 */
export function addInspectRoutes(
  router: express.Router,
  options: InspectRoutesOptions,
): void {
  const { inspector, httpAuth, userInfo, permissions, logger } = options;

  const authorize = (
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ) => requirePermission(permissions, credentials, permission);

  async function defaultDecide(input: Parameters<InspectDecide>[0]) {
    let dataClass = input.dataClass;
    let entity: EntityContext | undefined;
    if (input.entityRef && options.entityResolver) {
      entity = await options.entityResolver.resolve(
        input.entityRef,
        { credentials: input.credentials },
      );
      dataClass = mostSensitive(dataClass, entity.dataClass);
    }
    if (input.blocked) {
      return { decision: 'deny' as const, dataClass };
    }
    if (options.policyEngine) {
      const verdict = await options.policyEngine.decide({
        principal: input.principal,
        request: {
          kind: 'inspect',
          dataClass,
          entity,
          findings: [...new Set(input.findings.map(f => f.type))],
        },
      });
      return { decision: verdict.decision, dataClass, reason: verdict.reason };
    }
    return { decision: 'allow' as const, dataClass };
  }

  router.post('/v1/inspect', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const body = parseBody(inspectRequestSchema, req.body);
    let principal = await resolvePrincipal(credentials, userInfo);
    if (body.asUser) {
      // The playground: an admin sees what another user would get.
      await authorize(credentials, llmGatewayAdminPermission);
      let ref: string;
      try {
        ref = stringifyEntityRef(
          parseEntityRef(body.asUser, { defaultKind: 'user' }),
        );
      } catch (error) {
        throw new InputError(
          `Invalid request: asUser: ${(error as Error).message}`,
        );
      }
      // With the catalog's groups, so group rules see what that user would.
      principal = options.entityResolver?.resolveUser
        ? await options.entityResolver.resolveUser(ref, { credentials })
        : { ref, type: 'user', groups: [ref] };
    }
    const outcome = await inspector.inspect(body.text, {
      direction: body.direction,
      principal,
      conversationId: body.conversationId,
    });
    const verdict = await (options.decide ?? defaultDecide)({
      principal,
      credentials,
      entityRef: body.entityRef,
      findings: outcome.findings,
      blocked: outcome.blocked,
      dataClass: outcome.dataClass,
    });
    // A blocking finding denies whatever policy says.
    const decision: Decision = outcome.blocked ? 'deny' : verdict.decision;
    const reason = outcome.blocked
      ? describeBlock(outcome.findings, body.direction)
      : verdict.reason;
    if (options.auditLog) {
      const counts: Record<string, number> = {};
      for (const f of outcome.findings) {
        const key = f.subtype ? `${f.type}:${f.subtype}` : f.type;
        counts[key] = (counts[key] ?? 0) + 1;
      }
      await options.auditLog.append({
        actor: principal.ref,
        kind: 'inspect',
        target: body.direction,
        entityRef: body.entityRef,
        decision: outcome.blocked ? 'block' : decision,
        reason,
        findings: counts,
      });
    }
    const response: InspectResponse = {
      findings: outcome.findings,
      text: outcome.text,
      decision,
      dataClass: verdict.dataClass,
      ...(reason ? { reason } : {}),
    };
    res.json(response);
  });

  router.get('/v1/detectors', async (req, res) => {
    await authorize(await httpAuth.credentials(req), llmGatewayReadPermission);
    const response: DetectorListResponse = {
      detectors: await inspector.detectors(),
    };
    res.json(response);
  });

  router.put('/v1/detectors/:type', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await authorize(credentials, llmGatewayAdminPermission);
    const body = parseBody(detectorUpdateSchema, req.body);
    const setting: DetectorSetting = {
      type: req.params.type,
      builtin: true,
      ...body,
    };
    await inspector.setDetector(setting, credentials.principal.userEntityRef);
    const saved = (await inspector.detectors()).find(
      d => d.type === req.params.type,
    );
    logger.info('detector updated through the API', {
      type: req.params.type,
      author: credentials.principal.userEntityRef,
    });
    res.json(saved);
  });

  router.get('/v1/rules', async (req, res) => {
    await authorize(await httpAuth.credentials(req), llmGatewayReadPermission);
    const response: DlpRuleList = { rules: await inspector.rules() };
    res.json(response);
  });

  router.put('/v1/rules', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await authorize(credentials, llmGatewayAdminPermission);
    const body = parseBody(rulesUpdateSchema, req.body);
    // Each rule is validated (and named in the error) by the inspector.
    await inspector.setRules(
      body.rules as DlpRule[],
      credentials.principal.userEntityRef,
    );
    const response: DlpRuleList = { rules: await inspector.rules() };
    res.json(response);
  });
}
