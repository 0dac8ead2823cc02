import { Detection, Detector, isWordChar, wordsBefore } from './types';

// 123-45-6789 or 123 45 6789 (one separator throughout); 9 bare digits only
// next to a keyword, since order numbers and ids look the same.
const SSN = /(?<![\d-])(\d{3})([- ]?)(\d{2})\2(\d{4})(?![\d-])/g;
const KEYWORD = /\b(?:ssn|ssns|social security|soc\.? ?sec|taxpayer|tin)\b/;

/** Numbers the SSA never issues, and two that were published as examples. */
export function isValidSsn(
  area: string,
  group: string,
  serial: string,
): boolean {
  const a = Number(area);
  if (a === 0 || a === 666 || a >= 900) return false;
  if (group === '00' || serial === '0000') return false;
  const all = `${area}${group}${serial}`;
  // The Woolworth wallet card and the 1962 advertisement number.
  return all !== '078051120' && all !== '219099999';
}

/** US Social Security numbers with the SSA's never-issued ranges excluded. */
export function createSsnDetector(): Detector {
  return {
    type: 'US_SSN',
    detect(text) {
      const found: Detection[] = [];
      if (!/\d{2}/.test(text)) return found;
      for (const m of text.matchAll(SSN)) {
        const [value, area, sep, group, serial] = m;
        const start = m.index!;
        const end = start + value.length;
        if (isWordChar(text[start - 1]) || isWordChar(text[end])) continue;
        if (!isValidSsn(area, group, serial)) continue;
        const keyword = KEYWORD.test(wordsBefore(text, start, 30));
        if (!sep && !keyword) continue;
        let confidence = sep === '-' ? 0.85 : 0.6;
        if (keyword) confidence = 0.95;
        found.push({
          type: 'US_SSN',
          start,
          end,
          confidence,
          detector: 'us-ssn',
        });
      }
      return found;
    },
  };
}
