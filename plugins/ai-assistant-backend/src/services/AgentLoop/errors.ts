import { CustomErrorBase, ResponseError } from '@backstage/errors';
import type { AssistantError } from '@pilothouse/plugin-ai-assistant-common';

/**
 * The gateway's quota refused the user. Backstage's error handler answers
 * with `statusCode`; the router adds `Retry-After`.
 */
export class QuotaError extends CustomErrorBase {
  readonly statusCode = 429;

  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}

/** A turn stopped short, with the reason the chat shows. */
export class TurnError extends Error {
  constructor(readonly assistantError: AssistantError) {
    super(assistantError.message);
  }
}

function retryAfterOf(error: ResponseError): number {
  const header = Number(error.response.headers.get('retry-after'));
  return Number.isFinite(header) && header > 0 ? Math.ceil(header) : 60;
}

/** What the chat says for an HTTP status the gateway answered. */
export function errorForStatus(
  status: number,
  message: string,
  retryAfterSeconds?: number,
): AssistantError {
  if (status === 429) {
    return {
      code: 'quota',
      message: `You are over your AI quota: ${message}`,
      retryAfterSeconds: retryAfterSeconds ?? 60,
    };
  }
  if (status === 403) return { code: 'denied', message };
  if (status === 502 || status === 503 || status === 504) {
    return { code: 'provider', message };
  }
  return { code: 'internal', message };
}

/** Any failure of a turn, as the chat shows it. */
export function toAssistantError(
  error: unknown,
  signal?: AbortSignal,
): AssistantError {
  if (signal?.aborted) {
    return { code: 'cancelled', message: 'The turn was cancelled' };
  }
  if (error instanceof TurnError) return error.assistantError;
  if (ResponseError.is(error)) {
    return errorForStatus(
      error.statusCode,
      error.body?.error?.message ?? error.message,
      error.statusCode === 429 ? retryAfterOf(error) : undefined,
    );
  }
  return {
    code: 'internal',
    message: error instanceof Error ? error.message : String(error),
  };
}

/** A gateway refusal outside a turn (the plan route), as an HTTP error. */
export function rethrowGatewayError(error: unknown): never {
  if (ResponseError.is(error) && error.statusCode === 429) {
    throw new QuotaError(
      error.body?.error?.message ?? error.message,
      retryAfterOf(error),
    );
  }
  throw error;
}
