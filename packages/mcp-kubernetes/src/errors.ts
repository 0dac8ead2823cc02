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

/** Removes anything that could be a credential from text that leaves the server. */
export function redact(text: string): string {
  return text
    .replace(/(bearer\s+)[^\s"']+/gi, '$1[redacted]')
    .replace(
      /(token|password|secret|client-key-data|client-certificate-data)(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
      '$1$2[redacted]',
    )
    .replace(/\/\/[^/\s:@]+:[^/\s@]+@/g, '//[redacted]@');
}

function statusMessage(body: unknown): string | undefined {
  if (typeof body === 'string') {
    try {
      return statusMessage(JSON.parse(body));
    } catch {
      return undefined;
    }
  }
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}

/**
 * Turns an error from the Kubernetes client into an `isError` result. Only
 * the status code and the API server's own message are used: the client's
 * error text also carries response headers, which are not for the model.
 */
export function kubernetesError(error: unknown, doing: string): CallToolResult {
  const err = error as {
    code?: unknown;
    body?: unknown;
    message?: string;
    name?: string;
    cause?: { code?: string };
  };
  const apiMessage = statusMessage(err?.body);
  const detail = apiMessage ? `: ${redact(apiMessage)}` : '';
  switch (typeof err?.code === 'number' ? err.code : undefined) {
    case 401:
      return toolError(
        `Kubernetes rejected the credentials while ${doing}${detail}`,
        'the kubeconfig or service-account token of this MCP server is invalid or expired; an operator must renew it',
      );
    case 403:
      return toolError(
        `Kubernetes forbade ${doing}${detail}`,
        "the server's identity lacks the RBAC verb this tool needs (see the tool's _meta 'pilothouse.dev/permissions'); ask an operator to grant it, or choose a namespace you may access",
      );
    case 404:
      return toolError(
        `Not found while ${doing}${detail}`,
        'check the namespace and name; list_namespaces and list_workloads show what exists',
      );
    case 409:
      return toolError(
        `Conflict while ${doing}${detail}`,
        'the object changed concurrently; read it again and retry',
      );
    case 422:
    case 400:
      return toolError(
        `Kubernetes refused the request while ${doing}${detail}`,
        'fix the arguments as the message says and retry',
      );
    default:
      break;
  }
  if (typeof err?.code === 'number' && err.code >= 500) {
    return toolError(
      `The Kubernetes API server failed (HTTP ${err.code}) while ${doing}${detail}`,
      'the cluster is unhealthy or overloaded; retry in a minute, and check the control plane if it persists',
    );
  }
  if (error instanceof TimeoutError) {
    return toolError(
      `Timed out after ${error.ms} ms while ${doing}`,
      'the API server is slow or unreachable; retry, or narrow the request (one namespace instead of all)',
    );
  }
  const code = err?.cause?.code ?? (err as { code?: unknown })?.code;
  if (
    typeof code === 'string' &&
    [
      'ECONNREFUSED',
      'ENOTFOUND',
      'EHOSTUNREACH',
      'ECONNRESET',
      'ETIMEDOUT',
    ].includes(code)
  ) {
    return toolError(
      `Cannot reach the Kubernetes API server (${code}) while ${doing}`,
      'the cluster (or the local sandbox) is down or the kubeconfig points at the wrong address; start it or fix the server URL',
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
