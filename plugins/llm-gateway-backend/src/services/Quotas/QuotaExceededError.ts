import { CustomErrorBase } from '@backstage/errors';

/**
 * A quota refused the request. Backstage's error handler answers with
 * `statusCode` (429); the gateway's router adds `Retry-After`.
 */
export class QuotaExceededError extends CustomErrorBase {
  readonly statusCode = 429;

  constructor(
    message: string,
    /** Seconds until the exhausted limit has room again. */
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
