import {
  DATA_CLASSES,
  DataClass,
  Finding,
} from '@pilothouse/plugin-llm-gateway-common';

/** The more sensitive of the classes. */
export function maxDataClass(
  ...classes: Array<DataClass | undefined>
): DataClass {
  let best: DataClass = 'public';
  for (const c of classes) {
    if (c && DATA_CLASSES.indexOf(c) > DATA_CLASSES.indexOf(best)) best = c;
  }
  return best;
}

/** Finding counts by type for the audit log (`SECRET:aws-access-key`). */
export function countFindings(findings: Finding[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of findings) {
    const key = f.subtype ? `${f.type}:${f.subtype}` : f.type;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** `SECRET:aws-access-key, EMAIL` for messages. */
export function describeFindings(findings: Finding[]): string {
  return Object.keys(countFindings(findings)).join(', ');
}

/** Applies an async transform to every string inside a JSON value, in order. */
export async function mapStrings<T>(
  value: T,
  transform: (text: string) => Promise<string>,
): Promise<T> {
  if (typeof value === 'string') return (await transform(value)) as T;
  if (Array.isArray(value)) {
    const out = [];
    for (const item of value) out.push(await mapStrings(item, transform));
    return out as T;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = await mapStrings(item, transform);
    }
    return out as T;
  }
  return value;
}
