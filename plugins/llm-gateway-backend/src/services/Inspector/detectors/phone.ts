import { findPhoneNumbersInText, type CountryCode } from 'libphonenumber-js/max';
import { Detection, Detector, wordsBefore } from './types';

const KEYWORD =
  /\b(?:phone|tel|telephone|mobile|mobil|cell|call|fax|whatsapp|sms|text me|reach me|contact|handy|téléphone|teléfono|telefone|telefono)\b/u;

// 2023-01-2024, 12/01/2024, 2024.01.15: valid-looking digits, but dates.
const DATE_LIKE = /^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})$/;

/**
 * Phone numbers, by libphonenumber's own text matcher with its full
 * metadata (valid numbers only, any country when written with `+`).
 * Numbers written as one bare run of digits look like order numbers and ids:
 * they need a keyword before them to pass the default threshold.
 */
export function createPhoneDetector(defaultRegion: CountryCode = 'US'): Detector {
  return {
    type: 'PHONE',
    detect(text) {
      const found: Detection[] = [];
      // Cheap prefilter: a phone number has at least 7 digits close together.
      if (!/\d[\d\s().-]{5,}\d/.test(text)) return found;
      for (const match of findPhoneNumbersInText(text, { defaultCountry: defaultRegion })) {
        const raw = text.slice(match.startsAt, match.endsAt);
        if (DATE_LIKE.test(raw)) continue;
        const international = raw.startsWith('+') || raw.startsWith('00');
        const formatted = /[\s().-]/.test(raw);
        const keyword = KEYWORD.test(wordsBefore(text, match.startsAt, 25));
        let confidence = 0.5;
        if (international) confidence = 0.95;
        else if (formatted) confidence = 0.8;
        if (keyword) confidence = Math.max(confidence, 0.9);
        found.push({
          type: 'PHONE',
          start: match.startsAt,
          end: match.endsAt,
          confidence,
          detector: 'phone',
          normalized: match.number.number,
        });
      }
      return found;
    },
  };
}
