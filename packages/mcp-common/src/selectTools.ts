/** What a tool needs for the registration-time filters. */
export interface FilterableTool {
  name: string;
  annotations: { readOnlyHint?: boolean };
}

/** The read-only and allow-list modes a server is started with. */
export interface ToolModes {
  /** Register only tools with readOnlyHint. */
  readOnly?: boolean;
  /** Register only these tools (empty or undefined: all). */
  allow?: string[];
}

/**
 * The tools a server registers under the given modes. Filtering happens at
 * registration, so a filtered tool is neither listed nor callable. Throws on
 * an unknown name in the allow-list, so a typo cannot widen or silently
 * narrow what a server offers.
 */
export function selectTools<T extends FilterableTool>(
  all: readonly T[],
  modes: ToolModes,
): T[] {
  const known = all.map(tool => tool.name);
  const unknown = (modes.allow ?? []).filter(name => !known.includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `Unknown tool(s) in the allow-list: ${unknown.join(
        ', ',
      )}; known tools: ${known.join(', ')}`,
    );
  }
  return all.filter(
    tool =>
      (!modes.readOnly || tool.annotations.readOnlyHint) &&
      (!modes.allow ||
        modes.allow.length === 0 ||
        modes.allow.includes(tool.name)),
  );
}
