import { InputError } from '@backstage/errors';
import {
  BUILTIN_FINDING_TYPES,
  DATA_CLASSES,
  type DlpRule,
} from '@pilothouse/plugin-llm-gateway-common';
import safeRegex from 'safe-regex2';
import { z } from 'zod';
import { Detection, Detector } from './types';

const ACTION = z.enum(['allow', 'mask', 'redact', 'hash', 'block']);

export const dlpRuleSchema = z
  .object({
    name: z
      .string()
      .regex(
        /^[A-Z][A-Z0-9_]{1,63}$/,
        'must be upper case letters, digits and _ (2 to 64)',
      ),
    description: z.string().max(500).optional(),
    pattern: z.string().min(1).max(2000).optional(),
    caseInsensitive: z.boolean().optional(),
    dictionary: z
      .array(z.string().trim().min(1).max(200))
      .min(1)
      .max(10000)
      .optional(),
    dataClass: z.enum(DATA_CLASSES),
    actions: z.object({ input: ACTION, output: ACTION }),
  })
  .strict();

export interface CompiledRule {
  rule: DlpRule;
  regex: RegExp;
}

function escapeRegex(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Validates one rule and compiles its regular expression; InputError names
 * the rule and what is wrong with it.
 */
export function compileRule(input: unknown, index = 0): CompiledRule {
  const parsed = dlpRuleSchema.safeParse(input);
  const label =
    typeof (input as DlpRule)?.name === 'string'
      ? (input as DlpRule).name
      : `#${index + 1}`;
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `DLP rule ${label}: ${issue.path.join('.') || 'rule'} ${issue.message}`,
    );
  }
  const rule = parsed.data as DlpRule;
  if ((BUILTIN_FINDING_TYPES as readonly string[]).includes(rule.name)) {
    throw new InputError(
      `DLP rule ${rule.name}: the name of a built-in detector`,
    );
  }
  if (!rule.pattern === !rule.dictionary) {
    throw new InputError(
      `DLP rule ${rule.name}: give either pattern or dictionary`,
    );
  }
  let regex: RegExp;
  if (rule.pattern) {
    try {
      regex = new RegExp(rule.pattern, rule.caseInsensitive ? 'giu' : 'gu');
    } catch (error) {
      throw new InputError(
        `DLP rule ${rule.name}: invalid pattern: ${(error as Error).message}`,
      );
    }
    // Every prompt runs through every rule: a pattern with nested repetition
    // (`(a+)+`) can take exponential time on a crafted text (ReDoS).
    if (!safeRegex(regex)) {
      throw new InputError(
        `DLP rule ${rule.name}: pattern has nested repetition (such as (a+)+), which can take exponential time on some texts; rewrite it without a repeated group that itself repeats`,
      );
    }
    // A pattern that matches nothing-at-all would mark every position.
    if (new RegExp(`^(?:${rule.pattern})$`, 'u').test('')) {
      throw new InputError(
        `DLP rule ${rule.name}: pattern matches the empty string`,
      );
    }
  } else {
    // Longest first, so "Project Blue Sky" wins over "Project Blue".
    const words = [...new Set(rule.dictionary!)].sort(
      (a, b) => b.length - a.length,
    );
    regex = new RegExp(
      `(?<![\\p{L}\\p{N}_])(?:${words
        .map(escapeRegex)
        .join('|')})(?![\\p{L}\\p{N}_])`,
      'giu',
    );
  }
  return { rule, regex };
}

/** Compiles all rules; names must be unique. */
export function compileRules(rules: unknown[]): CompiledRule[] {
  const compiled = rules.map((rule, index) => compileRule(rule, index));
  const seen = new Set<string>();
  for (const { rule } of compiled) {
    if (seen.has(rule.name)) {
      throw new InputError(`DLP rule ${rule.name}: defined twice`);
    }
    seen.add(rule.name);
  }
  return compiled;
}

/** One detector per custom rule: the rule's name is the finding type. */
export function createCustomRuleDetector({
  rule,
  regex,
}: CompiledRule): Detector {
  return {
    type: rule.name,
    detect(text) {
      const found: Detection[] = [];
      regex.lastIndex = 0;
      for (let m = regex.exec(text); m; m = regex.exec(text)) {
        if (m[0].length === 0) {
          regex.lastIndex++;
          continue;
        }
        found.push({
          type: rule.name,
          start: m.index,
          end: m.index + m[0].length,
          confidence: rule.dictionary ? 0.95 : 0.9,
          detector: `rule:${rule.name}`,
        });
      }
      return found;
    },
  };
}
