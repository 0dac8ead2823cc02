import type {
  BackstageCredentials,
  HttpAuthService,
  LifecycleService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  CustomErrorBase,
  InputError,
  NotAllowedError,
} from '@backstage/errors';
import {
  AuthorizeResult,
  type BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  logSearchEventsCreatePermission,
  logSearchEventsReadPermission,
  type HistogramResponse,
  type IngestResponse,
  type SavedSearchListResponse,
} from '@pilothouse/plugin-log-search-common';
import {
  DATABASE_UNAVAILABLE_MESSAGE,
  databaseUnavailableErrors,
  isDatabaseUnavailable,
} from '@pilothouse/backend-errors';
import express, { ErrorRequestHandler, Request, Response } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { parseJsonLines } from './ingest/parseJsonLines';
import {
  decodeOtlpLogsProtobuf,
  encodeOtlpLogsResponse,
  encodeOtlpStatus,
  OTLP_PROTOBUF_CONTENT_TYPE,
} from './ingest/otlpProtobuf';
import { parseOtlpLogs } from './ingest/parseOtlpLogs';
import type { LogSearchService } from './services/LogSearchService';
import type { SavedSearchStore } from './services/SavedSearchStore';

/** 413: the body is over `logSearch.ingest.maxBodyBytes`. */
export class PayloadTooLargeError extends CustomErrorBase {
  name = 'PayloadTooLargeError' as const;
  statusCode = 413;
}

/** 415: a body this endpoint does not read. */
export class UnsupportedMediaTypeError extends CustomErrorBase {
  name = 'UnsupportedMediaTypeError' as const;
  statusCode = 415;
}

export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  lifecycle: LifecycleService;
  search: LogSearchService;
  savedSearches: SavedSearchStore;
  maxBodyBytes: number;
  /** Between SSE keep-alive comments on the live tail. */
  tailHeartbeatMs?: number;
}

const searchParams = z.object({
  q: z.string().max(4096).optional(),
  from: z.string().max(64).optional(),
  to: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  cursor: z.string().max(512).optional(),
});

const histogramParams = searchParams
  .omit({ limit: true, cursor: true })
  .extend({ buckets: z.coerce.number().int().min(1).max(1000).optional() });

const savedSearchBody = z
  .object({
    name: z.string().trim().min(1).max(255),
    query: z.string().max(4096),
    range: z.string().max(64).optional(),
  })
  .strict();

function parse<T>(
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  value: unknown,
  what: string,
): T {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map(
    issue =>
      `${issue.path.length ? issue.path.join('.') : what}: ${
        issue.code === 'unrecognized_keys'
          ? `unknown field ${issue.keys.join(', ')}`
          : issue.message
      }`,
  );
  throw new InputError(`Invalid ${what}: ${issues.join('; ')}`);
}

async function allowed(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  permission: BasicPermission,
): Promise<boolean> {
  const [decision] = await permissions.authorize([{ permission }], {
    credentials,
  });
  return decision.result === AuthorizeResult.ALLOW;
}

/** body-parser's failures as errors that say what happened. */
function explainBodyErrors(): ErrorRequestHandler {
  return (error, _req, _res, next) => {
    if (error?.type === 'entity.too.large') {
      next(
        new PayloadTooLargeError(
          `Request body is ${error.length} bytes, over the limit of ${error.limit} bytes (logSearch.ingest.maxBodyBytes); send smaller batches`,
        ),
      );
      return;
    }
    if (error?.type === 'entity.parse.failed') {
      next(
        new InputError(
          `Invalid request: body: not valid JSON (${error.message})`,
        ),
      );
      return;
    }
    if (error?.type === 'encoding.unsupported') {
      next(new UnsupportedMediaTypeError(error.message));
      return;
    }
    next(error);
  };
}

/**
 * `/api/log-search`: ingest (JSON lines, OTLP/HTTP JSON), search, histogram,
 * live tail and saved searches, as `log-search-common`'s api.ts describes.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, search, savedSearches } = options;
  const router = Router();

  /** Services may send; users need `log-search.events.create`. */
  async function ingestCredentials(req: Request) {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    if (
      credentials.principal.type === 'user' &&
      !(await allowed(
        permissions,
        credentials,
        logSearchEventsCreatePermission,
      ))
    ) {
      throw new NotAllowedError(
        `You need the ${logSearchEventsCreatePermission.name} permission to send log events`,
      );
    }
    return credentials;
  }

  async function readCredentials(
    req: Request,
    allow: Array<'user' | 'service'> = ['user', 'service'],
  ) {
    const credentials = await httpAuth.credentials(req, { allow });
    if (
      !(await allowed(permissions, credentials, logSearchEventsReadPermission))
    ) {
      throw new NotAllowedError(
        `You need the ${logSearchEventsReadPermission.name} permission to read log events`,
      );
    }
    return credentials;
  }

  router.post(
    '/v1/ingest',
    // Authenticated before the body is read, so an anonymous sender cannot
    // make the portal buffer megabytes.
    async (req, _res, next) => {
      await ingestCredentials(req);
      next();
    },
    express.text({ type: () => true, limit: options.maxBodyBytes }),
    async (req, res) => {
      const body = typeof req.body === 'string' ? req.body : '';
      res.json(await search.ingest(parseJsonLines(body)));
    },
  );

  /** The rejections of a batch as OTLP's partialSuccess, or none. */
  function partialSuccess(result: IngestResponse) {
    if (result.rejected.length === 0) return undefined;
    const shown = result.rejected.slice(0, 20);
    return {
      rejectedLogRecords: result.rejected.length,
      errorMessage: `${result.rejected.length} log record(s) rejected: ${shown
        .map(r => `record ${r.line}: ${r.reason}`)
        .join('; ')}${result.rejected.length > shown.length ? '; ...' : ''}`,
    };
  }

  const otlpJson = express.json({
    limit: options.maxBodyBytes,
    type: () => true,
  });
  const otlpProtobuf = express.raw({
    limit: options.maxBodyBytes,
    type: () => true,
  });

  /**
   * Stores an OTLP batch; when the database is down, answers what OTLP/HTTP
   * asks of a server that cannot take data now (503, Retry-After, a
   * google.rpc.Status of 14 = UNAVAILABLE in the request's encoding), so
   * the Collector and the SDKs keep the batch and send it again.
   */
  async function ingestOrUnavailable(
    res: Response,
    batch: ReturnType<typeof parseOtlpLogs>,
  ) {
    try {
      return await search.ingest(batch);
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      options.logger.warn(
        `OTLP logs: the database is unavailable: ${(error as Error).message}`,
      );
      res.status(503).set('Retry-After', '5');
      if (res.get('content-type')?.startsWith(OTLP_PROTOBUF_CONTENT_TYPE)) {
        res.send(encodeOtlpStatus(14, DATABASE_UNAVAILABLE_MESSAGE));
      } else {
        res.json({ code: 14, message: DATABASE_UNAVAILABLE_MESSAGE });
      }
      return undefined;
    }
  }

  router.post(
    '/v1/otlp/v1/logs',
    async (req, res, next) => {
      await ingestCredentials(req);
      const type = (req.headers['content-type'] ?? '').toLowerCase();
      if (type.includes('protobuf')) {
        otlpProtobuf(req, res, next);
        return;
      }
      if (!type.includes('json')) {
        throw new UnsupportedMediaTypeError(
          `Content-Type '${
            type || 'none'
          }' is not OTLP/HTTP; send ${OTLP_PROTOBUF_CONTENT_TYPE} or application/json`,
        );
      }
      otlpJson(req, res, next);
    },
    async (req, res) => {
      if (Buffer.isBuffer(req.body)) {
        // Answers in the encoding of the request, as OTLP/HTTP requires;
        // errors as a google.rpc.Status (3 = INVALID_ARGUMENT).
        res.type(OTLP_PROTOBUF_CONTENT_TYPE);
        let batch;
        try {
          batch = parseOtlpLogs(decodeOtlpLogsProtobuf(req.body));
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          res.status(400).send(encodeOtlpStatus(3, error.message));
          return;
        }
        const result = await ingestOrUnavailable(res, batch);
        if (result) res.send(encodeOtlpLogsResponse(partialSuccess(result)));
        return;
      }
      const result = await ingestOrUnavailable(res, parseOtlpLogs(req.body));
      if (!result) return;
      const partial = partialSuccess(result);
      res.json(
        partial
          ? {
              partialSuccess: {
                // int64 in OTLP's JSON encoding is a decimal string.
                rejectedLogRecords: String(partial.rejectedLogRecords),
                errorMessage: partial.errorMessage,
              },
            }
          : {},
      );
    },
  );

  router.get('/v1/search', async (req, res) => {
    await readCredentials(req);
    const params = parse(searchParams, req.query, 'search parameters');
    res.json(await search.search(params));
  });

  router.get('/v1/histogram', async (req, res) => {
    await readCredentials(req);
    const params = parse(histogramParams, req.query, 'histogram parameters');
    const response: HistogramResponse = await search.histogram(params);
    res.json(response);
  });

  const openTails = new Set<Response>();
  options.lifecycle.addShutdownHook(() => {
    for (const res of openTails) res.end();
  });

  router.get('/v1/tail', async (req, res) => {
    await readCredentials(req);
    const params = parse(
      searchParams.pick({ q: true }),
      req.query,
      'tail parameters',
    );
    const query = search.parse(params.q ?? '');
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache, no-transform');
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    res.write(': tailing\n\n');
    const unsubscribe = search.tail.subscribe(query, events => {
      for (const event of events) {
        res.write(
          `event: log\nid: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`,
        );
      }
    });
    const heartbeat = setInterval(
      () => res.write(': keep-alive\n\n'),
      options.tailHeartbeatMs ?? 15_000,
    );
    openTails.add(res);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      openTails.delete(res);
    });
  });

  const userRefOf = (credentials: BackstageCredentials) =>
    (
      credentials as BackstageCredentials<{
        type: 'user';
        userEntityRef: string;
      }>
    ).principal.userEntityRef;

  router.get('/v1/saved-searches', async (req, res) => {
    const credentials = await readCredentials(req, ['user']);
    const response: SavedSearchListResponse = {
      items: await savedSearches.list(userRefOf(credentials)),
    };
    res.json(response);
  });

  router.post(
    '/v1/saved-searches',
    express.json({ limit: '64kb' }),
    async (req, res) => {
      const credentials = await readCredentials(req, ['user']);
      const body = parse(savedSearchBody, req.body, 'saved search');
      // A search that cannot run is refused now rather than when it is opened.
      search.parse(body.query);
      res
        .status(201)
        .json(await savedSearches.create(userRefOf(credentials), body));
    },
  );

  router.delete('/v1/saved-searches/:id', async (req, res) => {
    const credentials = await readCredentials(req, ['user']);
    await savedSearches.delete(userRefOf(credentials), req.params.id);
    res.status(204).end();
  });

  router.use(explainBodyErrors());
  router.use(databaseUnavailableErrors({ logger: options.logger }));
  return router;
}
