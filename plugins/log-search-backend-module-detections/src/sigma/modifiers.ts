import { BlockList, isIP } from 'node:net';
import { EventFields, FieldValue, PRESENT } from './eventFields';

/** A rule uses something this evaluator does not run; the message says what. */
export class UnsupportedRuleError extends Error {
  name = 'UnsupportedRuleError';
}

/** A rule breaks the Sigma specification; the message says where. */
export class InvalidRuleError extends Error {
  name = 'InvalidRuleError';
}

export type FieldPredicate = (fields: EventFields) => boolean;

/** Where a Sigma field name is read from in an event (after log source mapping). */
export type FieldLookup = (fields: EventFields, field: string) => FieldValue[];

type Scalar = string | number | boolean | null;
type StringTest = (value: string) => boolean;

const KNOWN_MODIFIERS = new Set([
  'contains',
  'startswith',
  'endswith',
  'all',
  're',
  'i',
  'm',
  's',
  'cidr',
  'base64',
  'base64offset',
  'wide',
  'utf16le',
  'utf16be',
  'utf16',
  'windash',
  'exists',
  'gt',
  'gte',
  'lt',
  'lte',
  'cased',
  'fieldref',
]);

const COMPARISONS = {
  gt: (a: number, b: number) => a > b,
  gte: (a: number, b: number) => a >= b,
  lt: (a: number, b: number) => a < b,
  lte: (a: number, b: number) => a <= b,
} as const;

/**
 * Compiles one detection item (`field|mod1|mod2: value or list`) into a
 * predicate over an event. A field of `''` (a keyword with modifiers)
 * searches the event's full text.
 */
export function compileFieldItem(
  key: string,
  rawValue: unknown,
  lookup: FieldLookup,
): FieldPredicate {
  const [field, ...modifiers] = key.split('|');
  for (const modifier of modifiers) {
    if (modifier === 'expand') {
      throw new UnsupportedRuleError(
        `modifier "expand" (placeholders) in "${key}": no placeholder values are configured`,
      );
    }
    if (!KNOWN_MODIFIERS.has(modifier)) {
      throw new UnsupportedRuleError(`modifier "${modifier}" in "${key}"`);
    }
  }
  const has = (m: string) => modifiers.includes(m);
  const values = (Array.isArray(rawValue) ? rawValue : [rawValue]) as Scalar[];
  for (const value of values) {
    if (value !== null && typeof value === 'object') {
      throw new InvalidRuleError(
        `"${key}" has a nested map or list as a value; Sigma values are strings, numbers, booleans or null`,
      );
    }
  }
  const read: (fields: EventFields) => FieldValue[] =
    field === ''
      ? fields => fields.fullText()
      : fields => lookup(fields, field);
  const combine = (tests: Array<(fields: EventFields) => boolean>) =>
    has('all')
      ? (fields: EventFields) => tests.every(t => t(fields))
      : (fields: EventFields) => tests.some(t => t(fields));

  if (has('exists')) {
    if (values.length !== 1 || typeof values[0] !== 'boolean') {
      throw new InvalidRuleError(`"${key}" needs true or false`);
    }
    const expected = values[0];
    return fields => read(fields).some(v => v !== null) === expected;
  }

  const comparison = modifiers.find(
    (m): m is keyof typeof COMPARISONS => m in COMPARISONS,
  );
  if (comparison) {
    const compare = COMPARISONS[comparison];
    const tests = values.map(value => {
      const limit = Number(value);
      if (value === null || value === '' || Number.isNaN(limit)) {
        throw new InvalidRuleError(
          `"${key}" compares with "${value}", not a number`,
        );
      }
      return (fields: EventFields) =>
        read(fields).some(v => {
          let n = NaN;
          if (typeof v === 'number') n = v;
          else if (typeof v === 'string' && v.trim() !== '') n = Number(v);
          return !Number.isNaN(n) && compare(n, limit);
        });
    });
    return combine(tests);
  }

  if (has('fieldref')) {
    const tests = values.map(other => {
      if (typeof other !== 'string') {
        throw new InvalidRuleError(
          `"${key}" refers to a field by name; "${other}" is not one`,
        );
      }
      const cased = has('cased');
      const norm = (v: FieldValue) => {
        if (v === null || v === PRESENT) return undefined;
        return cased ? String(v) : String(v).toLowerCase();
      };
      let test = (a: string, b: string) => a === b;
      if (has('contains')) test = (a, b) => a.includes(b);
      else if (has('startswith')) test = (a, b) => a.startsWith(b);
      else if (has('endswith')) test = (a, b) => a.endsWith(b);
      return (fields: EventFields) => {
        const mine = read(fields)
          .map(norm)
          .filter((v): v is string => v !== undefined);
        const theirs = lookup(fields, other)
          .map(norm)
          .filter((v): v is string => v !== undefined);
        return mine.some(a => theirs.some(b => test(a, b)));
      };
    });
    return combine(tests);
  }

  if (has('cidr')) {
    const tests = values.map(value => {
      const list = new BlockList();
      const [address, prefix] = String(value).split('/');
      const type = isIP(address);
      if (!type || !prefix || Number.isNaN(Number(prefix))) {
        throw new InvalidRuleError(
          `"${key}" has "${value}", not a CIDR network`,
        );
      }
      list.addSubnet(address, Number(prefix), type === 6 ? 'ipv6' : 'ipv4');
      return (fields: EventFields) =>
        read(fields).some(v => {
          if (typeof v !== 'string') return false;
          const t = isIP(v);
          return t !== 0 && list.check(v, t === 6 ? 'ipv6' : 'ipv4');
        });
    });
    return combine(tests);
  }

  if (has('re')) {
    let flags = '';
    if (has('i')) flags += 'i';
    if (has('m')) flags += 'm';
    if (has('s')) flags += 's';
    const tests = values.map(value => {
      let source = String(value);
      // PCRE's leading inline flags, which JavaScript lacks.
      const inline = /^\(\?([ims]+)\)/.exec(source);
      if (inline) {
        source = source.slice(inline[0].length);
        for (const f of inline[1]) if (!flags.includes(f)) flags += f;
      }
      let regex: RegExp;
      try {
        regex = new RegExp(source, flags);
      } catch (error) {
        throw new UnsupportedRuleError(
          `regular expression "${value}" in "${key}": ${
            (error as Error).message
          }`,
        );
      }
      return (fields: EventFields) =>
        read(fields).some(
          v => v !== null && v !== PRESENT && regex.test(String(v)),
        );
    });
    return combine(tests);
  }

  // Plain values: transformations, then wildcards.
  const cased = has('cased');
  const tests = values.flatMap(value => {
    if (value === null) {
      return [(fields: EventFields) => read(fields).every(v => v === null)];
    }
    const patterns = expandValue(String(value), modifiers, key);
    const matchers = patterns.map(p => compilePattern(p, cased));
    return [
      (fields: EventFields) =>
        read(fields).some(v => {
          if (v === null) return false;
          if (v === PRESENT) return patterns.some(p => p.isAnything);
          const text = String(v);
          return matchers.some(m => m(text));
        }),
    ];
  });
  return combine(tests);
}

/** A value after its modifiers: literal text and wildcards. */
interface Pattern {
  parts: Part[];
  /** `*` alone: any value, also an object, as long as the field exists. */
  isAnything: boolean;
}

const WILDCARD_ANY = Symbol('*');
const WILDCARD_ONE = Symbol('?');
type Part = string | typeof WILDCARD_ANY | typeof WILDCARD_ONE;

/** Sigma's escaping: `\*`, `\?` and `\\` are literal; other backslashes stay. */
function parseWildcards(value: string): Pattern['parts'] {
  const parts: Pattern['parts'] = [];
  let literal = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && i + 1 < value.length && '*?\\'.includes(value[i + 1])) {
      literal += value[++i];
    } else if (c === '*' || c === '?') {
      if (literal) parts.push(literal);
      literal = '';
      parts.push(c === '*' ? WILDCARD_ANY : WILDCARD_ONE);
    } else {
      literal += c;
    }
  }
  if (literal) parts.push(literal);
  return parts;
}

const WINDASH_CHARACTERS = ['-', '/', '\u2013', '\u2014', '\u2015'];

function encode(text: string, modifiers: string[]): Buffer {
  if (modifiers.includes('wide') || modifiers.includes('utf16le')) {
    return Buffer.from(text, 'utf16le');
  }
  if (modifiers.includes('utf16be')) {
    return Buffer.from(text, 'utf16le').swap16();
  }
  if (modifiers.includes('utf16')) {
    return Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(text, 'utf16le'),
    ]);
  }
  return Buffer.from(text, 'utf8');
}

/** The three base64 renderings of a value at any byte offset (as pySigma does). */
export function base64Offsets(value: Buffer): string[] {
  const starts = [0, 2, 3];
  const ends = [undefined, -3, -2];
  return [0, 1, 2].map(i => {
    const encoded = Buffer.concat([Buffer.alloc(i, ' '), value]).toString(
      'base64',
    );
    return encoded.slice(starts[i], ends[(value.length + i) % 3]);
  });
}

function expandValue(
  value: string,
  modifiers: string[],
  key: string,
): Pattern[] {
  const has = (m: string) => modifiers.includes(m);
  let variants: Array<Pattern['parts']>;
  const texts = has('windash')
    ? [...new Set(WINDASH_CHARACTERS.map(c => value.replace(/-/g, c)))]
    : [value];
  const encodes = ['wide', 'utf16le', 'utf16be', 'utf16'].some(has);
  if (has('base64') || has('base64offset')) {
    variants = texts.flatMap(text => {
      const bytes = encode(text, modifiers);
      return (
        has('base64offset') ? base64Offsets(bytes) : [bytes.toString('base64')]
      ).map(encoded => [encoded] as Pattern['parts']);
    });
  } else if (encodes) {
    throw new UnsupportedRuleError(
      `"${key}": an encoding modifier without base64 (matching raw UTF-16 in text fields)`,
    );
  } else {
    variants = texts.map(parseWildcards);
  }
  return variants.map(parts => {
    let p = parts;
    if ((has('contains') || has('endswith')) && p[0] !== WILDCARD_ANY)
      p = [WILDCARD_ANY, ...p];
    if (
      (has('contains') || has('startswith')) &&
      p[p.length - 1] !== WILDCARD_ANY
    ) {
      p = [...p, WILDCARD_ANY];
    }
    return {
      parts: p,
      isAnything: p.length > 0 && p.every(x => x === WILDCARD_ANY),
    };
  });
}

function escapeRegex(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Fast paths for the common shapes; a regex for the rest. */
function compilePattern(pattern: Pattern, cased: boolean): StringTest {
  const { parts } = pattern;
  const norm = (s: string) => (cased ? s : s.toLowerCase());
  if (pattern.isAnything) return () => true;
  const literals = parts.filter((p): p is string => typeof p === 'string');
  const oneLiteral = literals.length === 1 && !parts.includes(WILDCARD_ONE);
  if (parts.length === 0) return v => v === '';
  if (oneLiteral) {
    const text = norm(literals[0]);
    const leading = parts[0] === WILDCARD_ANY;
    const trailing = parts[parts.length - 1] === WILDCARD_ANY;
    if (leading && trailing) return v => norm(v).includes(text);
    if (leading) return v => norm(v).endsWith(text);
    if (trailing) return v => norm(v).startsWith(text);
    return v => norm(v) === text;
  }
  const source = parts
    .map(p => {
      if (p === WILDCARD_ANY) return '.*';
      if (p === WILDCARD_ONE) return '.';
      return escapeRegex(p);
    })
    .join('');
  const regex = new RegExp(`^${source}$`, cased ? 's' : 'is');
  return v => regex.test(v);
}
