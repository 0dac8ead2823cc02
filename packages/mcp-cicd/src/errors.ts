import { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

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

/** A non-2xx answer from Argo CD, Argo Rollouts or GitHub: status and the upstream's own message only. */
export class UpstreamError extends Error {
  constructor(
    readonly system: 'Argo CD' | 'Argo Rollouts' | 'GitHub',
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Removes anything that could be a credential from text that leaves the server. */
export function redact(text: string): string {
  return text
    .replace(/(bearer\s+|token\s+)[^\s"']+/gi, '$1[redacted]')
    .replace(
      /(token|password|secret|authorization)(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
      '$1$2[redacted]',
    )
    .replace(/\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, '[redacted]')
    .replace(/\/\/[^/\s:@]+:[^/\s@]+@/g, '//[redacted]@');
}

const NETWORK_CODES = [
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ECONNRESET',
  'ETIMEDOUT',
];

/**
 * Turns an error from fetch or Octokit into an `isError` result. Octokit's
 * RequestError carries the request (with its headers) — only its status and
 * the upstream's message are used.
 */
export function upstreamError(error: unknown, doing: string): CallToolResult {
  const err = error as {
    status?: unknown;
    message?: string;
    cause?: { code?: string };
    code?: unknown;
    response?: { data?: { message?: unknown } };
    name?: string;
  };
  if (error instanceof TimeoutError) {
    return toolError(
      `Timed out after ${error.ms} ms while ${doing}`,
      'the server is slow or unreachable; retry, and check its status if it persists',
    );
  }
  let system = 'The upstream';
  let status: number | undefined;
  let message = '';
  if (error instanceof UpstreamError) {
    system = error.system;
    status = error.status;
    message = error.message;
  } else if (err?.name === 'HttpError' && typeof err.status === 'number') {
    system = 'GitHub';
    status = err.status;
    const data = err.response?.data?.message;
    message = typeof data === 'string' ? data : '';
  }
  const detail = message ? `: ${redact(message)}` : '';
  if (status !== undefined) {
    switch (status) {
      case 401:
        return toolError(
          `${system} rejected the credentials while ${doing}${detail}`,
          `this MCP server's token (ARGOCD_TOKEN / GITHUB_TOKEN) is missing, invalid or expired; an operator must renew it`,
        );
      case 403:
        return toolError(
          `${system} forbade ${doing}${detail}`,
          "the server's token lacks the permission this tool needs (see the tool's _meta 'pilothouse.dev/permissions'), or the run is in a state that forbids it; ask an operator to grant it",
        );
      case 404:
        return toolError(
          `Not found while ${doing}${detail}`,
          'check the name; list_applications and list_workflow_runs show what exists',
        );
      case 409:
        return toolError(
          `Conflict while ${doing}${detail}`,
          'the object is not in a state that allows this; read its status again (rollout_status, get_application) and decide',
        );
      case 400:
      case 422:
        return toolError(
          `${system} refused the request while ${doing}${detail}`,
          'fix the arguments as the message says and retry',
        );
      default:
        if (status >= 500) {
          return toolError(
            `${system} failed (HTTP ${status}) while ${doing}${detail}`,
            'the server is unhealthy; retry in a minute',
          );
        }
        return toolError(
          `${system} answered HTTP ${status} while ${doing}${detail}`,
          'retry once; if it persists, report it with the tool name and arguments',
        );
    }
  }
  const code = err?.cause?.code ?? err?.code;
  if (
    (typeof code === 'string' && NETWORK_CODES.includes(code)) ||
    err?.message === 'fetch failed'
  ) {
    return toolError(
      `Cannot reach the server${
        typeof code === 'string' ? ` (${code})` : ''
      } while ${doing}`,
      'Argo CD, Argo Rollouts or GitHub (or the local sandbox) is down, or --argocd-url / --rollouts-url / --github-api-url is wrong; start it or fix the URL',
    );
  }
  return toolError(
    `Unexpected error while ${doing}: ${redact(
      String(err?.message ?? error).split('\n')[0],
    )}`,
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
