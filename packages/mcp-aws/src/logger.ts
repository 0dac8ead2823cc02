import { redact } from './errors';

/**
 * Logs one JSON line to stderr. stdout is the MCP channel in stdio mode, so
 * nothing else may ever be written there.
 */
export function log(
  level: 'info' | 'warn' | 'error',
  message: string,
  meta: Record<string, unknown> = {},
): void {
  process.stderr.write(
    `${redact(
      JSON.stringify({
        time: new Date().toISOString(),
        level,
        message,
        ...meta,
      }),
    )}\n`,
  );
}
