import type { UndoProposal } from '@pilothouse/plugin-ai-assistant-common';

type Undo = { tool: string; arguments: Record<string, unknown> };

function isUndo(value: unknown): value is Undo {
  const undo = value as Undo | undefined;
  return (
    typeof undo?.tool === 'string' &&
    typeof undo.arguments === 'object' &&
    undo.arguments !== null &&
    !Array.isArray(undo.arguments)
  );
}

function describe(undo: Undo, server: string): string {
  const args = undo.arguments;
  const target =
    typeof args.namespace === 'string' && typeof args.name === 'string'
      ? `${args.namespace}/${args.name}`
      : undefined;
  if (undo.tool === 'scale_deployment' && target) {
    return `Scale ${target} back to ${args.replicas} replicas`;
  }
  if (undo.tool === 'undo_rollout' && target) {
    return `Roll ${target} back to revision ${args.toRevision}`;
  }
  return `Run ${server}.${undo.tool} with ${JSON.stringify(args)}`;
}

/**
 * The reverse of a call, from what the tool returned: the MCP servers'
 * destructive tools put `undo: { tool, arguments }` (a tool of the same
 * server) in their structured content. Nothing is run here.
 */
export function undoProposalOf(
  server: string,
  structuredContent: Record<string, unknown> | undefined,
): UndoProposal | undefined {
  const undo = structuredContent?.undo;
  if (!isUndo(undo)) return undefined;
  return {
    tool: `${server}.${undo.tool}`,
    arguments: undo.arguments,
    description: describe(undo, server),
  };
}

/** "undo that", "undo", "undo the last change", "revert it": the whole message. */
export function isUndoRequest(text: string): boolean {
  return /^\s*(undo|revert)(\s+(that|it|this|the last( one| change| call)?))?\s*[.!]*\s*$/i.test(
    text,
  );
}
