import { Detection, Detector, isWordChar } from './types';

// Digits in groups separated by one space or hyphen; `bestCard` picks the
// card inside (13 to 19 digits).
const CANDIDATE = /(?<![\d.-])\d(?:[ -]?\d){12,}/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** The card network for a number by its issuer prefix (IIN) and length. */
export function cardNetwork(digits: string): string | undefined {
  const len = digits.length;
  const p2 = Number(digits.slice(0, 2));
  const p3 = Number(digits.slice(0, 3));
  const p4 = Number(digits.slice(0, 4));
  const p6 = Number(digits.slice(0, 6));
  if (digits[0] === '4' && (len === 13 || len === 16 || len === 19))
    return 'visa';
  if (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && len === 16) {
    return 'mastercard';
  }
  if ((p2 === 34 || p2 === 37) && len === 15) return 'amex';
  if (
    (p4 === 6011 ||
      p2 === 65 ||
      (p3 >= 644 && p3 <= 649) ||
      (p6 >= 622126 && p6 <= 622925)) &&
    len >= 16
  ) {
    return 'discover';
  }
  if (p4 >= 3528 && p4 <= 3589 && len >= 16) return 'jcb';
  if (((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38) && len >= 14) {
    return 'diners';
  }
  if (p2 === 62 && len >= 16) return 'unionpay';
  if ((p2 === 50 || (p2 >= 56 && p2 <= 69)) && len >= 12) return 'maestro';
  return undefined;
}

/**
 * The longest run of whole groups inside a candidate that is a card number:
 * `qty 2 4111 1111 1111 1111` has the card after the quantity.
 */
function bestCard(
  value: string,
): { start: number; end: number; network: string } | undefined {
  const groups = [...value.matchAll(/\d+/g)].map(g => ({
    start: g.index!,
    end: g.index! + g[0].length,
    digits: g[0],
  }));
  let best: { start: number; end: number; network: string } | undefined;
  for (let i = 0; i < groups.length; i++) {
    let digits = '';
    for (let j = i; j < groups.length; j++) {
      digits += groups[j].digits;
      if (digits.length > 19) break;
      if (digits.length < 13) continue;
      // One separator style throughout: `4111 1111-1111 1111` is not a card.
      const seps = new Set(
        value.slice(groups[i].start, groups[j].end).replace(/\d/g, ''),
      );
      // Printed cards group by 4 first, then 4 to 6 (Amex 4-6-5).
      const grouped =
        i === j ||
        (groups[i].digits.length === 4 &&
          groups
            .slice(i + 1, j + 1)
            .every(g => g.digits.length >= 3 && g.digits.length <= 6));
      if (
        seps.size > 1 ||
        !grouped ||
        /^(\d)\1+$/.test(digits) ||
        !luhnValid(digits)
      ) {
        continue;
      }
      const network = cardNetwork(digits);
      if (
        network &&
        (!best || groups[j].end - groups[i].start > best.end - best.start)
      ) {
        best = { start: groups[i].start, end: groups[j].end, network };
      }
    }
  }
  return best;
}

/**
 * Payment card numbers: a known issuer prefix and length, and the Luhn
 * check digit. Groups must be separated consistently (`4111 1111 1111 1111`
 * or none), so phone lists and id runs rarely pass.
 */
export function createCreditCardDetector(): Detector {
  return {
    type: 'CREDIT_CARD',
    detect(text) {
      const found: Detection[] = [];
      for (const m of text.matchAll(CANDIDATE)) {
        const start = m.index!;
        const end = start + m[0].length;
        if (isWordChar(text[start - 1]) || isWordChar(text[end])) continue;
        const card = bestCard(m[0]);
        if (!card) continue;
        found.push({
          type: 'CREDIT_CARD',
          subtype: card.network,
          start: start + card.start,
          end: start + card.end,
          confidence: 0.95,
          detector: 'credit-card',
        });
      }
      return found;
    },
  };
}
