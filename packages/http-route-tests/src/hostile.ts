import fc from 'fast-check';

/**
 * Strings that have broken services like these before: SQL, Lucene/liqe and
 * LogQL syntax, path traversal, prototype-pollution keys, template and shell
 * syntax, catastrophic-backtracking bait, odd numbers and odd unicode.
 */
export const HOSTILE_STRINGS: readonly string[] = [
  // SQL
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '" OR ""="',
  '1) OR pg_sleep(0) IS NULL --',
  "%' AND 1=0 UNION SELECT sqlite_version() --",
  // Lucene / liqe / the log query language
  'level:"unterminated',
  '((((((((((',
  'a AND OR NOT b',
  '*:*',
  'message:/[unclosed/',
  'message:/(a+)+$/',
  'duration_ms:>',
  'status:[100 TO',
  'field:~',
  '\\',
  ':',
  'a:b:c:d',
  // LogQL
  '{app="payments"} |= "error" | json | line_format "{{.msg}}"',
  'sum(rate({job=~".+"}[5m]))',
  // path traversal
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '....//....//etc/passwd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '/etc/passwd\u0000.yaml',
  // prototype pollution
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  // templates, markup, shell, CEL
  '${7*7}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '$(id)',
  '; rm -rf / #',
  'size(request.text) > 0 || true',
  '1/0',
  // numbers and near-numbers
  '-1',
  '0',
  '1e309',
  'NaN',
  'Infinity',
  '99999999999999999999999',
  '0x10',
  '2026-13-45T99:99:99Z',
  'now-',
  '',
  ' ',
  '\t\n',
  // unicode: RTL override, zero width, combining marks, astral, a lone surrogate
  '\u202e\u0066\u0064\u0070.exe',
  '\u200b\u200c\u200d\ufeff',
  'Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f',
  '\ud83d\udca5\ud83e\udd16\ud800',
  'ß\u0130\u0131ﬀ',
  `${'a'.repeat(5_000)}!`,
];

/** Property-name keys that pollute prototypes if merged carelessly. */
export const PROTOTYPE_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
];

/** A string a caller might send: hostile, random unicode, or long. */
export function hostileString(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    // Prototype keys again: the faults they cause hide among 70 strings.
    {
      weight: 1,
      arbitrary: fc.constantFrom(...PROTOTYPE_KEYS, 'toString', 'hasOwnProperty'),
    },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom('a', 'é', '\ud83d\udca5', '\u0000'),
          fc.nat(5_000),
        )
        .map(([c, n]) => c.repeat(n)),
    },
  );
}

/** Any JSON value, its strings hostile. */
export function hostileJson(): fc.Arbitrary<unknown> {
  return fc.letrec(tie => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      hostileString(),
      fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)),
      fc.array(tie('value'), { maxLength: 5 }),
      fc.dictionary(
        fc.oneof(hostileString(), fc.constantFrom(...PROTOTYPE_KEYS)),
        tie('value'),
        { maxKeys: 5 },
      ),
    ),
  })).value;
}

/**
 * Replaces some of an object's values with hostile ones and adds
 * unexpected keys: a valid-looking body that is wrong in one place.
 */
export function mutated(
  valid: fc.Arbitrary<Record<string, unknown>>,
): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(
      valid,
      fc.dictionary(
        fc.oneof(
          fc.string({ maxLength: 12 }),
          fc.constantFrom(...PROTOTYPE_KEYS),
        ),
        hostileJson(),
        { maxKeys: 2 },
      ),
      fc.nat(),
    )
    .map(([body, extra, pick]) => {
      const keys = Object.keys(body);
      const out: Record<string, unknown> = { ...body };
      if (keys.length && pick % 3 === 0) {
        out[keys[pick % keys.length]] = extra[Object.keys(extra)[0]] ?? null;
      } else if (pick % 3 === 1) {
        for (const [k, v] of Object.entries(extra)) {
          Object.defineProperty(out, k, {
            value: v,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
      }
      return out;
    });
}

/** Raw request bodies that are not what any route expects. */
export const MALFORMED_BODIES: readonly string[] = [
  '{',
  '{"a":',
  '[',
  "{'single': 'quotes'}",
  '{"a": 1,}',
  'undefined',
  'NaN',
  '"just a string"',
  '123',
  'null',
  'true',
  '[]',
  '\u0000\u0001\u0002',
  '\ufeff{}',
  '{"__proto__": {"polluted": true}}',
  '{"constructor": {"prototype": {"polluted": true}}}',
  '{"a": {"__proto__": {"isAdmin": true}}, "__proto__": []}',
  '{"a":1,"a":2}',
  `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
  `${'{"a":'.repeat(2_000)}1${'}'.repeat(2_000)}`,
];
