import { countrySpecs, isValidIBAN } from 'ibantools';
import { Detection, Detector, isWordChar } from './types';

// Country code, check digits, then alphanumerics in groups (print format
// uses groups of four separated by one space; some write hyphens or lower
// case). The country format and mod-97 keep the loose candidate honest.
const CANDIDATE =
  /(?<![\p{L}\p{N}])[A-Za-z]{2}\d{2}(?:[ -]?[A-Za-z0-9]){10,32}/gu;

/**
 * IBANs: the country's length and BBAN format and the mod-97 check digits
 * (ibantools knows every registry country's format). The candidate is cut
 * at the country's length, so words that follow are not swallowed.
 */
export function createIbanDetector(): Detector {
  return {
    type: 'IBAN',
    detect(text) {
      const found: Detection[] = [];
      CANDIDATE.lastIndex = 0;
      for (let m = CANDIDATE.exec(text); m; m = CANDIDATE.exec(text)) {
        // Go on right after this one's start, or after the IBAN found.
        CANDIDATE.lastIndex = m.index + 1;
        const candidate = m[0];
        const spec = countrySpecs[candidate.slice(0, 2).toUpperCase()];
        if (!spec?.chars) continue;
        let count = 0;
        let cut = 0;
        while (cut < candidate.length && count < spec.chars) {
          if (candidate[cut] !== ' ' && candidate[cut] !== '-') count++;
          cut++;
        }
        if (count < spec.chars) continue;
        const start = m.index;
        const end = start + cut;
        if (isWordChar(text[end])) continue;
        const printed = candidate.slice(0, cut);
        // One separator style throughout.
        if (/ /.test(printed) && /-/.test(printed)) continue;
        const electronic = printed.replace(/[ -]/g, '').toUpperCase();
        if (!isValidIBAN(electronic)) continue;
        found.push({
          type: 'IBAN',
          start,
          end,
          confidence: 0.95,
          detector: 'iban',
        });
        CANDIDATE.lastIndex = end;
      }
      return found;
    },
  };
}
