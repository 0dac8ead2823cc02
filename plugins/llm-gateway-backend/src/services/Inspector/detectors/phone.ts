import {
  findPhoneNumbersInText,
  type CountryCode,
} from 'libphonenumber-js/max';
import { Detection, Detector, wordsBefore } from './types';

const KEYWORD =
  /\b(?:phone|tel|telephone|mobile|mobil|cell|call|fax|whatsapp|sms|text me|reach me|contact|handy|téléphone|teléfono|telefone|telefono)\b/u;

// A run of digits with phone punctuation, optionally after '+' or '('.
const CANDIDATE = /(?<![\w.+:-])[+(]?\d[\d ().\/-]{5,24}\d(?![\w:]|\.\d)/g;

// 2023-01-2024, 12/01/2024, 2024.01.15: valid-looking digits, but dates.
const DATE_LIKE =
  /^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})$/;

// Earlier turns of a conversation come through again with every call:
// remember libphonenumber's answer for recent candidates.
const CACHE_SIZE = 5000;
const cache = new Map<string, PhoneMatch[]>();

interface PhoneMatch {
  startsAt: number;
  endsAt: number;
  /** E.164 */
  number: string;
}

function numbersIn(candidate: string, region: CountryCode): PhoneMatch[] {
  const key = `${region}:${candidate}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const found = findPhoneNumbersInText(candidate, {
    defaultCountry: region,
  }).map(m => ({
    startsAt: m.startsAt,
    endsAt: m.endsAt,
    number: m.number.number as string,
  }));
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, found);
  return found;
}

/**
 * Phone numbers, by libphonenumber's own text matcher with its full
 * metadata (valid numbers only, any country when written with `+`).
 * Numbers written as one bare run of digits look like order numbers and ids:
 * they need a keyword before them to pass the default threshold.
 */
export function createPhoneDetector(
  defaultRegion: CountryCode = 'US',
): Detector {
  return {
    type: 'PHONE',
    detect(text) {
      const found: Detection[] = [];
      // libphonenumber parses every digit run it meets, which is slow on
      // logs; it only sees runs that could be a number (7+ digits, phone
      // punctuation only) and are not dates.
      for (const candidate of text.matchAll(CANDIDATE)) {
        const raw = candidate[0];
        if ((raw.match(/\d/g)?.length ?? 0) < 7 || DATE_LIKE.test(raw.trim()))
          continue;
        const offset = candidate.index!;
        for (const match of numbersIn(raw, defaultRegion)) {
          const startsAt = offset + match.startsAt;
          const endsAt = offset + match.endsAt;
          const value = text.slice(startsAt, endsAt);
          if (DATE_LIKE.test(value)) continue;
          const international = value.startsWith('+') || value.startsWith('00');
          const formatted = /[\s().-]/.test(value);
          const keyword = KEYWORD.test(wordsBefore(text, startsAt, 25));
          let confidence = 0.5;
          if (international) confidence = 0.95;
          else if (formatted) confidence = 0.8;
          if (keyword) confidence = Math.max(confidence, 0.9);
          found.push({
            type: 'PHONE',
            start: startsAt,
            end: endsAt,
            confidence,
            detector: 'phone',
            normalized: match.number,
          });
        }
      }
      return found;
    },
  };
}
