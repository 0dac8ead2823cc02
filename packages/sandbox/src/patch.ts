import { applyPatch, Operation } from 'fast-json-patch';

/** RFC 7386 JSON merge patch: objects merge recursively, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    return patch;
  }
  const result: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else {
      result[key] = mergePatch(result[key], value);
    }
  }
  return result;
}

export class UnsupportedPatchError extends Error {}

/**
 * Applies a PATCH body according to its content type. Strategic merge patch
 * is treated as a merge patch: the two agree on maps and scalars (replicas,
 * annotations, labels), which is what the portal patches; lists are replaced.
 */
export function applyPatchByContentType<T>(
  target: T,
  contentType: string | undefined,
  body: unknown,
): T {
  const type = (contentType ?? '').split(';')[0].trim();
  switch (type) {
    case 'application/merge-patch+json':
    case 'application/strategic-merge-patch+json':
      return mergePatch(target, body) as T;
    case 'application/json-patch+json':
      if (!Array.isArray(body)) {
        throw new UnsupportedPatchError('a JSON patch must be an array');
      }
      return applyPatch(structuredClone(target), body as Operation[], true)
        .newDocument as T;
    default:
      throw new UnsupportedPatchError(
        `patch content type "${type}" is not supported; use application/merge-patch+json, application/strategic-merge-patch+json or application/json-patch+json`,
      );
  }
}
