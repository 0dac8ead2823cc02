/** One match of one detector, before settings and overlaps are applied. */
export interface Detection {
  /** A built-in finding type or a custom rule's name. */
  type: string;
  subtype?: string;
  /** UTF-16 offsets, end exclusive. */
  start: number;
  end: number;
  confidence: number;
  /** Which detector (or secretlint rule, or custom rule) found it. */
  detector: string;
  /** The value in a canonical form, when the detector knows one (E.164). */
  normalized?: string;
}

/**
 * A detector scans the whole text once. Patterns are compiled when the
 * detector is built, never per call.
 */
export interface Detector {
  /** The finding type it reports. */
  type: string;
  detect(text: string): Detection[] | Promise<Detection[]>;
}

/** Letters and digits in any script: what a word boundary means here. */
export function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}_]/u.test(ch);
}

/** Lower-cased words (letters only) in the few characters before `start`. */
export function wordsBefore(text: string, start: number, span = 40): string {
  return text.slice(Math.max(0, start - span), start).toLowerCase();
}
