import type { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import type { ErrorRequestHandler } from 'express';

// Connection refused or cut (PostgreSQL down, restarting, failing over), and
// PostgreSQL's own "shutting down" / "starting up" / connection classes.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE']);
const UNAVAILABLE_SQLSTATES = /^(08|57P0[1-3])/;

/**
 * Whether an error means the database cannot be reached right now, as
 * opposed to a bug: only the error itself is read (not its cause), so a
 * failed fetch to some other service is not taken for the database.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { name?: string; code?: unknown; message?: string };
  if (!e || typeof e !== 'object') return false;
  if (e.name === 'KnexTimeoutError') return true;
  if (typeof e.code === 'string') {
    if (UNAVAILABLE_CODES.has(e.code) || UNAVAILABLE_SQLSTATES.test(e.code)) {
      return true;
    }
  }
  return /^Connection terminated/.test(e.message ?? '');
}

/** The message a caller sees: it names no host, port or database. */
export const DATABASE_UNAVAILABLE_MESSAGE =
  'The database is unavailable; try again shortly';

/**
 * A database outage is a 503 the caller can retry, not a 500: the backend
 * reconnects on its own once the database is back. The original error goes
 * to the log only: Backstage's error handler would put a cause, with the
 * database's address, into the answer.
 */
export function databaseUnavailableErrors(options: {
  logger: LoggerService;
}): ErrorRequestHandler {
  return (error, req, _res, next) => {
    if (!isDatabaseUnavailable(error)) {
      next(error);
      return;
    }
    options.logger.warn(
      `${req.method} ${req.originalUrl}: the database is unavailable: ${
        (error as Error).message
      }`,
    );
    next(new ServiceUnavailableError(DATABASE_UNAVAILABLE_MESSAGE));
  };
}
