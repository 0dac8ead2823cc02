import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type BasicPermission,
} from '@backstage/plugin-permission-common';
import type { Request, Response } from 'express';
import type { ZodType, ZodTypeDef } from 'zod';
import type { Caller } from '../services/Gateway';
import { resolvePrincipal } from '../services/principal';
import {
  DATABASE_UNAVAILABLE_MESSAGE,
  isDatabaseUnavailable,
} from '@pilothouse/backend-errors';

/** What every route module needs to know who is calling. */
export interface CallerDeps {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
}

/**
 * The caller from the request's Backstage token (user or service), never
 * from the body; the signal aborts when the client goes away.
 */
export async function callerOf(
  deps: CallerDeps,
  req: Request,
  res: Response,
): Promise<Caller> {
  const credentials = await deps.httpAuth.credentials(req, {
    allow: ['user', 'service'],
  });
  const principal = await resolvePrincipal(credentials, deps.userInfo);
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return { principal, credentials, signal: controller.signal };
}

/** Whether the permission framework allows any one of the permissions. */
export async function hasAnyPermission(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  ...candidates: BasicPermission[]
): Promise<boolean> {
  const decisions = await permissions.authorize(
    candidates.map(permission => ({ permission })),
    { credentials },
  );
  return decisions.some(d => d.result === AuthorizeResult.ALLOW);
}

/** Throws NotAllowedError naming the permission(s) unless one is allowed. */
export async function requirePermission(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  ...candidates: BasicPermission[]
): Promise<void> {
  if (!(await hasAnyPermission(permissions, credentials, ...candidates))) {
    throw new NotAllowedError(
      `You need the ${candidates
        .map(p => p.name)
        .join(' or ')} permission for this`,
    );
  }
}

/** Parses a body with zod; a failure names the first wrong field. */
export function parseBody<T>(
  schema: ZodType<T, ZodTypeDef, unknown>,
  body: unknown,
): T {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map(
    issue =>
      `${issue.path.length ? issue.path.join('.') : 'body'}: ${
        issue.code === 'unrecognized_keys'
          ? `unknown field ${issue.keys.join(', ')}`
          : issue.message
      }`,
  );
  throw new InputError(`Invalid request: ${issues.join('; ')}`);
}

/** Starts a server-sent events response. */
export function startSse(res: Response) {
  res.status(200);
  res.setHeader('content-type', 'text/event-stream; charset=utf-8');
  res.setHeader('cache-control', 'no-cache, no-transform');
  res.setHeader('x-accel-buffering', 'no');
  res.flushHeaders();
}

/** The HTTP status an error stands for (Backstage errors, body-parser, 429s). */
export function statusOf(error: unknown): number {
  const e = error as { name?: string; statusCode?: number; status?: number };
  const explicit = e?.statusCode ?? e?.status;
  if (typeof explicit === 'number' && explicit >= 400 && explicit < 600) {
    return explicit;
  }
  switch (e?.name) {
    case 'InputError':
      return 400;
    case 'AuthenticationError':
      return 401;
    case 'NotAllowedError':
      return 403;
    case 'NotFoundError':
      return 404;
    case 'ConflictError':
      return 409;
    case 'ServiceUnavailableError':
      return 503;
    default:
      return isDatabaseUnavailable(error) ? 503 : 500;
  }
}

/** The message to show; body-parser's and internal errors get a clear one. */
export function messageOf(error: unknown, status: number): string {
  const e = error as { type?: string; message?: string; limit?: number };
  if (e?.type === 'entity.too.large') {
    return `The request body is larger than the gateway accepts (${e.limit} bytes)`;
  }
  if (e?.type === 'entity.parse.failed') {
    return `The request body is not valid JSON: ${e.message}`;
  }
  if (status === 500) return 'The gateway failed to handle the request';
  if (isDatabaseUnavailable(error)) {
    return DATABASE_UNAVAILABLE_MESSAGE;
  }
  return e?.message ?? String(error);
}
