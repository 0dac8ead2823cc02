import type {
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type {
  SloListResponse,
  SloResponse,
  SloSummary,
} from '@pilothouse/plugin-slo-common';
import { databaseUnavailableErrors } from '@pilothouse/backend-errors';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  rulesForDocuments,
  readDocuments,
} from './services/Rules/rulesFromBody';
import type { SloService } from './services/Evaluation/SloService';

export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  slos: SloService;
}

// Entity names and namespaces as @backstage/catalog-model allows them.
const entityPart = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-zA-Z0-9]([-_.a-zA-Z0-9]*[a-zA-Z0-9])?$/, 'is not an entity name');
const paramsSchema = z.object({ namespace: entityPart, name: entityPart });

const STATUSES = ['ok', 'warning', 'burning', 'unknown'] as const;
const list = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform(v =>
    v === undefined
      ? undefined
      : (Array.isArray(v) ? v : [v])
          .flatMap(s => s.split(','))
          .map(s => s.trim())
          .filter(Boolean),
  );
const listQuerySchema = z.object({
  owner: list,
  system: list,
  targetRef: list,
  status: list.pipe(z.array(z.enum(STATUSES)).optional()),
});
const statusQuerySchema = z.object({
  entityRef: z.string({ error: 'is required' }).min(1, 'is required'),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new InputError(
    `Invalid ${what}: ${parsed.error.issues
      .map(i => `${i.path.join('.') || what}: ${i.message}`)
      .join('; ')}`,
  );
}

function sloRefOf(req: Request) {
  return {
    kind: 'slo',
    ...parse(paramsSchema, req.params, 'SLO reference'),
  };
}

/** `/api/slo`: SLOs, their burn and history, rules, and the status the gateway reads. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, slos } = options;
  const router = Router();
  router.use(express.json({ limit: '1mb' }));
  router.use(
    express.text({
      type: [
        'application/yaml',
        'application/x-yaml',
        'text/yaml',
        'text/plain',
      ],
      limit: '1mb',
    }),
  );

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/v1/slos', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const query = parse(listQuerySchema, req.query, 'query');
    const body: SloListResponse = await slos.list(credentials, {
      ...query,
      status: query.status as SloSummary['status'][] | undefined,
    });
    res.json(body);
  });

  router.get('/v1/slos/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const body: SloResponse = {
      slo: await slos.get(sloRefOf(req), credentials),
    };
    res.json(body);
  });

  router.get('/v1/slos/:namespace/:name/history', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(await slos.history(sloRefOf(req), credentials));
  });

  router.get('/v1/slos/:namespace/:name/rules', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { name, yaml } = await slos.rules(sloRefOf(req), credentials);
    if (req.query.download === '1' || req.query.download === 'true') {
      res.attachment(`${name}-rules.yaml`);
    }
    res.type('application/yaml').send(yaml);
  });

  router.post('/v1/rules', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const yaml = rulesForDocuments(readDocuments(req.body));
    res.type('application/yaml').send(yaml);
  });

  router.get('/v1/status', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { entityRef } = parse(statusQuerySchema, req.query, 'query');
    res.json(await slos.status(entityRef, credentials));
  });

  router.use(databaseUnavailableErrors({ logger: options.logger }));
  return router;
}
