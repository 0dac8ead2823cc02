import { KubeObject } from './store';

type LabelRequirement = (labels: Record<string, string>) => boolean;

/**
 * Parses a Kubernetes label selector (`a=b`, `a==b`, `a!=b`, `a`, `!a`,
 * `a in (x,y)`, `a notin (x,y)`, comma separated) into a predicate.
 * Throws on syntax it does not understand, so callers can answer 400.
 */
export function parseLabelSelector(
  selector: string | undefined,
): (labels: Record<string, string> | undefined) => boolean {
  if (!selector || !selector.trim()) {
    return () => true;
  }
  // Split on commas that are not inside parentheses.
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  terms.push(current);

  const requirements: LabelRequirement[] = terms.map(raw => {
    const term = raw.trim();
    let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (m) {
      const [, key, op, values] = m;
      const set = new Set(values.split(',').map(v => v.trim()));
      return op === 'in'
        ? labels => key in labels && set.has(labels[key])
        : labels => !(key in labels) || !set.has(labels[key]);
    }
    m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(term);
    if (m) {
      const [, key, op, value] = m;
      return op === '!='
        ? labels => labels[key] !== value
        : labels => labels[key] === value;
    }
    m = /^(!?)([\w./-]+)$/.exec(term);
    if (m) {
      const [, not, key] = m;
      return not ? labels => !(key in labels) : labels => key in labels;
    }
    throw new Error(`unable to parse requirement: "${term}"`);
  });
  return labels => requirements.every(r => r(labels ?? {}));
}

function fieldValue(obj: KubeObject, path: string): string | undefined {
  let value: any = obj;
  for (const part of path.split('.')) {
    value = value?.[part];
  }
  return value === undefined || value === null ? undefined : String(value);
}

/**
 * Parses a field selector such as `involvedObject.name=payments,type!=Normal`.
 * Any dotted path into the object is accepted, which covers the fields the
 * real API server supports for pods and events.
 */
export function parseFieldSelector(
  selector: string | undefined,
): (obj: KubeObject) => boolean {
  if (!selector || !selector.trim()) {
    return () => true;
  }
  const requirements = selector.split(',').map(raw => {
    const m = /^\s*([\w.]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(raw);
    if (!m) {
      throw new Error(`invalid field selector: "${raw}"`);
    }
    const [, path, op, value] = m;
    return (obj: KubeObject) =>
      op === '!='
        ? (fieldValue(obj, path) ?? '') !== value
        : (fieldValue(obj, path) ?? '') === value;
  });
  return obj => requirements.every(r => r(obj));
}

/** Renders matchLabels as a selector string, as the Scale subresource reports it. */
export function matchLabelsToSelector(
  matchLabels: Record<string, string> | undefined,
): string {
  return Object.entries(matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
