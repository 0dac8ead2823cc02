import { ResponseError } from '@backstage/errors';
import type { AssistantError } from '@pilothouse/plugin-ai-assistant-common';
import { AssistantRequestError } from './api';

/** The sentence to show a person for why a turn or a request stopped. */
export function describeAssistantError(error: AssistantError): string {
  if (error.code === 'quota') {
    return error.retryAfterSeconds
      ? `You are over your quota; try again in ${error.retryAfterSeconds} s. (${error.message})`
      : `You are over your quota; try again later. (${error.message})`;
  }
  return error.message;
}

/** A thrown error as an AssistantError: the server's own words when it sent some. */
export function toAssistantError(error: unknown): AssistantError {
  if (error instanceof AssistantRequestError) return error.error;
  if (ResponseError.is(error)) {
    const serverMessage = error.cause?.message;
    return {
      code: 'internal',
      message: serverMessage
        ? `${serverMessage} (${error.statusCode})`
        : error.message,
    };
  }
  return {
    code: 'internal',
    message: error instanceof Error ? error.message : String(error),
  };
}
