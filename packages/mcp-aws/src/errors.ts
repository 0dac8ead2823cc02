import { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { BrokenCircuitError } from 'cockatiel';

/** An expected failure, returned to the model as `isError` with a hint it can act on. */
export function toolError(what: string, hint: string): CallToolResult {
  return {
    isError: true,
    content: [{ type: 'text', text: `${what} — hint: ${hint}` }],
  };
}

export class TimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`timed out after ${ms} ms`);
  }
}

/** A failure this server detected itself, already phrased for the model. */
export class RefusedError extends Error {
  constructor(message: string, readonly hint: string) {
    super(message);
  }
}

/** Removes anything that could be a credential from text that leaves the server. */
export function redact(text: string): string {
  return text
    .replace(/\b(AKIA|ASIA)[A-Z0-9]{12,}\b/g, '[redacted]')
    .replace(/(bearer\s+)[^\s"']+/gi, '$1[redacted]')
    .replace(
      /(secretAccessKey|sessionToken|accessKeyId|token|password|secret)(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
      '$1$2[redacted]',
    )
    .replace(/\/\/[^/\s:@]+:[^/\s@]+@/g, '//[redacted]@');
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
]);

/** The SDK's names for a request that got no answer in time. */
const TIMEOUTS = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ECONNRESET',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: 'client' | 'server';
}

function statusOf(error: unknown): number | undefined {
  return (error as AwsLikeError)?.$metadata?.httpStatusCode;
}

export function isThrottling(error: unknown): boolean {
  return THROTTLING.has((error as AwsLikeError)?.name ?? '');
}

function isNetwork(error: unknown): boolean {
  const code = (error as AwsLikeError)?.code;
  return typeof code === 'string' && NETWORK_CODES.has(code);
}

/** Worth retrying, and counted by the circuit breaker: throttling, 5xx, network. */
export function isTransient(error: unknown): boolean {
  if (error instanceof BrokenCircuitError || error instanceof RefusedError) {
    return false;
  }
  const status = statusOf(error);
  return (
    isThrottling(error) ||
    (status !== undefined && status >= 500) ||
    (error as AwsLikeError)?.$fault === 'server' ||
    TIMEOUTS.has((error as AwsLikeError)?.name ?? '') ||
    isNetwork(error)
  );
}

/**
 * Turns an error from an AWS SDK client (or from this server's own checks)
 * into an `isError` result. Only the error name and AWS's message are used.
 */
export function awsError(
  error: unknown,
  doing: string,
  permissions: string[],
): CallToolResult {
  if (error instanceof RefusedError) {
    return toolError(error.message, error.hint);
  }
  if (error instanceof TimeoutError) {
    return toolError(
      `Timed out after ${error.ms} ms while ${doing}`,
      'AWS is slow or unreachable from this server; retry, or narrow the request (one region, a name prefix)',
    );
  }
  const err = error as AwsLikeError;
  const name = err?.name ?? 'Error';
  const detail = err?.message
    ? `: ${redact(String(err.message).split('\n')[0])}`
    : '';
  if (
    /AccessDenied|UnauthorizedOperation|NotAuthorized|Forbidden/i.test(name) ||
    statusOf(error) === 403
  ) {
    return toolError(
      `AWS denied ${doing} (${name})${detail}`,
      `the assumed role lacks ${permissions.join(
        ', ',
      )} (see the tool's _meta 'pilothouse.dev/permissions'), or its trust policy does not allow sts:AssumeRole and sts:TagSession; ask an operator to fix the role map`,
    );
  }
  if (/ExpiredToken|InvalidClientTokenId|UnrecognizedClient/i.test(name)) {
    return toolError(
      `AWS rejected this server's credentials while ${doing} (${name})`,
      "the server's base credentials are invalid or expired; an operator must renew them",
    );
  }
  if (isThrottling(error)) {
    return toolError(
      `AWS throttled ${doing} (${name}) and retries did not help`,
      'wait a minute before retrying, and prefer narrower requests',
    );
  }
  if (/NotFound|NoSuch|DoesNotExist/i.test(name) || statusOf(error) === 404) {
    return toolError(
      `Not found while ${doing} (${name})${detail}`,
      'check the region, cluster and name; the list_* tools show what exists',
    );
  }
  if (/Validation|InvalidParameter|InvalidInput|Malformed/i.test(name)) {
    return toolError(
      `AWS refused the request while ${doing} (${name})${detail}`,
      'fix the arguments as the message says and retry',
    );
  }
  if (isNetwork(error)) {
    return toolError(
      `Cannot reach AWS (${err.code}) while ${doing}`,
      'the network or endpoint is down from where this server runs; retry later or check its egress',
    );
  }
  const status = statusOf(error);
  if ((status !== undefined && status >= 500) || err?.$fault === 'server') {
    return toolError(
      `AWS failed (${name}${status ? `, HTTP ${status}` : ''}) while ${doing}`,
      'the AWS service is having trouble; retry in a minute and check the AWS Health Dashboard if it persists',
    );
  }
  return toolError(
    `Unexpected error while ${doing} (${name})${detail}`,
    'retry once; if it persists, report it with the tool name and arguments',
  );
}

/** Rejects with TimeoutError if the promise takes longer than ms. */
export async function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TimeoutError(ms)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
