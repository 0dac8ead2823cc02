import nlp from 'compromise';
import { distance } from 'fastest-levenshtein';

/** A word of the user's text, where it stands, and its matching stem. */
export interface Token {
  /** As written, lower case, inner `-._/` kept (`payments-db`, `deploy.yml`). */
  text: string;
  stem: string;
  index: number;
}

const NUMBER_WORDS =
  /\b(zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|dozen|couple)\b/i;

/**
 * Numbers in words become digits ("five pods" → "5 pods", "twenty-five" →
 * "25") with compromise; only texts that have a number word pay for it.
 */
export function digitsForNumberWords(text: string): string {
  if (!NUMBER_WORDS.test(text)) return text;
  // "one" in "which one", "this one" is not a count.
  const doc = nlp(
    text.replace(/\b(which|this|that|the|any|every) one\b/gi, '$1 thing'),
  );
  doc.match('a couple of').replaceWith('2');
  doc.match('a dozen').replaceWith('12');
  doc.numbers().toNumber();
  return doc.text();
}

/**
 * A matching rule, not a linguistic stemmer: enough for "pods"/"pod",
 * "restarting"/"restart", "replicas"/"replica", "failed"/"failure"/"fail".
 */
export function stem(word: string): string {
  let w = word.toLowerCase();
  if (w.length <= 2) return w;
  const rules: Array<[RegExp, string]> = [
    [/ies$/, 'y'],
    [/(ss)$/, '$1'],
    [/(ure|ures)$/, ''],
    [/ing$/, ''],
    [/ed$/, ''],
    [/(ch|sh|x)es$/, '$1'],
    [/s$/, ''],
  ];
  for (const [pattern, replacement] of rules) {
    if (pattern.test(w)) {
      const next = w.replace(pattern, replacement);
      if (next.length >= 2) w = next;
      break;
    }
  }
  // "scale", "scaled", "scaling" → "scal".
  if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1);
  // "running" → "runn" → "run", "stopped" → "stopp" → "stop".
  if (/([b-df-hj-np-tv-z])\1$/.test(w) && !/(ll|ss)$/.test(w)) {
    w = w.slice(0, -1);
  }
  return w;
}

/** Splits `warningWindowMinutes`, `scale_deployment`, `get-catalog-entity`. */
export function identifierWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Lower-case tokens; `payments-db`, `eu-west-1`, `owner/repo`, `a=b` kept whole. */
export function tokenize(text: string): Token[] {
  const pattern = /[a-z0-9$][a-z0-9$]*(?:[-_./=][a-z0-9$]+)*/gi;
  return [...text.matchAll(pattern)].map(match => {
    const word = match[0].toLowerCase();
    return { text: word, stem: stem(word), index: match.index! };
  });
}

/** Words that carry no intent. */
export const STOPWORDS = new Set(
  (
    'a an the to of in on at for from by with and or but is are was were be been ' +
    'am do does did done have has had i me my we our us you your it its this that ' +
    'these those there here please can could would should will shall may might ' +
    'must just now up down out over into about some any all so then than too very ' +
    'what which who whom whose when where why how hi hey hello thanks thank ok okay ' +
    'let lets let\'s want wanna need like get got make go going gonna kindly quickly ' +
    'right currently again also one ones them they their he she his her ' +
    'show display view see tell give' +
    ' s t'
  ).split(/\s+/),
);

/**
 * The closest vocabulary word within a typo's reach: one edit for short
 * words, two for longer ones (a swapped pair of letters counts two), and
 * the first letter right unless the word is long.
 */
export function closestWord(
  word: string,
  vocabulary: Iterable<string>,
): string | undefined {
  if (word.length < 4 || /\d/.test(word)) return undefined;
  const reach = word.length >= 5 ? 2 : 1;
  let best: string | undefined;
  let bestDistance = reach + 1;
  for (const candidate of vocabulary) {
    if (Math.abs(candidate.length - word.length) > reach) continue;
    if (candidate[0] !== word[0] && word.length < 7) continue;
    const d = distance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
