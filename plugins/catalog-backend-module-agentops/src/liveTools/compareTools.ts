import type {
  McpToolSpec,
  ToolDrift,
} from '@pilothouse/plugin-agentops-common';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import stringify from 'safe-stable-stringify';

/** Where the MCP servers put the permissions each tool needs. */
export const PERMISSIONS_META_KEY = 'pilothouse.dev/permissions';

/**
 * A live tool as an MCPServer entity would declare it. Missing hints take
 * MCP's defaults: not read-only, destructive, not idempotent.
 */
export function declarationOf(
  tool: Tool,
): Required<Omit<McpToolSpec, 'description'>> {
  const permissions = tool._meta?.[PERMISSIONS_META_KEY];
  return {
    name: tool.name,
    readOnly: tool.annotations?.readOnlyHint ?? false,
    destructive: tool.annotations?.destructiveHint ?? true,
    idempotent: tool.annotations?.idempotentHint ?? false,
    permissions: Array.isArray(permissions) ? permissions : [],
  };
}

/**
 * Compares the tools an entity declares with those the running server lists:
 * tools missing from the server, tools the entity does not declare, and tools
 * whose hints or permissions differ (a tool that became destructive is drift
 * even when its name did not change).
 */
export function compareTools(declared: McpToolSpec[], live: Tool[]): ToolDrift {
  const liveByName = new Map(live.map(t => [t.name, declarationOf(t)]));
  const declaredNames = new Set(declared.map(t => t.name));
  const drift: ToolDrift = {
    missing: declared.filter(t => !liveByName.has(t.name)).map(t => t.name),
    undeclared: live.filter(t => !declaredNames.has(t.name)).map(t => t.name),
    changed: [],
  };
  for (const tool of declared) {
    const actual = liveByName.get(tool.name);
    if (!actual) continue;
    const fields: string[] = [];
    if ((tool.readOnly ?? false) !== actual.readOnly) fields.push('readOnly');
    if ((tool.destructive ?? true) !== actual.destructive) {
      fields.push('destructive');
    }
    if ((tool.idempotent ?? false) !== actual.idempotent) {
      fields.push('idempotent');
    }
    if (stringify(tool.permissions ?? []) !== stringify(actual.permissions)) {
      fields.push('permissions');
    }
    if (fields.length) drift.changed.push({ name: tool.name, fields });
  }
  return drift;
}

export function hasDrift(drift: ToolDrift): boolean {
  return (
    drift.missing.length > 0 ||
    drift.undeclared.length > 0 ||
    drift.changed.length > 0
  );
}
