import { ResponseError } from '@backstage/errors';

/**
 * The sentence to show a person for a failed call: the server's own words
 * when it sent some ("pattern is not a valid regular expression"), not the
 * status line.
 */
export function describeError(error: unknown): string {
  if (ResponseError.is(error)) {
    const serverMessage = error.cause?.message;
    return serverMessage
      ? `${serverMessage} (${error.statusCode})`
      : error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
