import { CustomErrorBase, InputError } from '@backstage/errors';
import type { ErrorRequestHandler } from 'express';

/** 413: the request body is over the router's limit. */
export class PayloadTooLargeError extends CustomErrorBase {
  name = 'PayloadTooLargeError' as const;
  statusCode = 413;
}

/**
 * Turns express.json's failures into errors that say what happened, for
 * Backstage's error middleware to answer as JSON: an oversized body is a
 * 413 naming the limit, a body that is not JSON a 400.
 */
export function explainBodyErrors(): ErrorRequestHandler {
  return (error, _req, _res, next) => {
    if (error?.type === 'entity.too.large') {
      next(
        new PayloadTooLargeError(
          `Request body is ${error.length} bytes, over the limit of ${error.limit} bytes`,
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
    next(error);
  };
}
