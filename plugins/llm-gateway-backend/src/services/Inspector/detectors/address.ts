import { Detection, Detector } from './types';

const SUFFIX = [
  'Street',
  'St',
  'Avenue',
  'Ave',
  'Road',
  'Rd',
  'Boulevard',
  'Blvd',
  'Lane',
  'Ln',
  'Drive',
  'Dr',
  'Court',
  'Ct',
  'Way',
  'Place',
  'Pl',
  'Terrace',
  'Ter',
  'Parkway',
  'Pkwy',
  'Highway',
  'Hwy',
  'Square',
  'Sq',
  'Circle',
  'Cir',
  'Trail',
  'Trl',
  'Crescent',
  'Close',
  'Row',
  'Alley',
  'Plaza',
  'Loop',
  'Pike',
  'Walk',
  'Path',
  'Ridge',
  'Heights',
  'Gardens',
  'Mews',
  'Green',
].join('|');

// US / UK / Commonwealth: "1600 Amphitheatre Parkway", "221B Baker Street",
// then optionally a unit and "City, ST 12345" or "City AB1 2CD".
const STREET_FIRST = new RegExp(
  String.raw`(?<![\p{L}\p{N}])\d{1,6}[A-Za-z]?\s+(?:(?:[NSEW]|North|South|East|West)\.?\s+)?(?:\p{Lu}[\p{L}'-]*\.?\s+){1,4}(?:${SUFFIX})\b\.?` +
    String.raw`(?:,?\s+(?:Apt|Apartment|Suite|Ste|Unit|Floor|Fl|#)\.?\s*#?[\p{L}\p{N}-]{1,6})?` +
    String.raw`(?:,\s*\p{Lu}[\p{L}.'-]*(?:\s\p{Lu}[\p{L}.'-]*){0,3}(?:,\s*|\s+)(?:[A-Z]{2}\s+\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}))?`,
  'gu',
);

// German-speaking and Dutch/Nordic: "Hauptstraße 5", "Bahnhofstrasse 12a",
// "Keizersgracht 123", optionally ", 10115 Berlin".
const STREET_LAST = new RegExp(
  String.raw`(?<![\p{L}\p{N}])\p{Lu}[\p{Ll}-]*(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|gracht|laan|straat|vägen|gatan|gade|vej)\s+\d{1,4}[a-z]?\b` +
    String.raw`(?:,\s*\d{4,5}\s+\p{Lu}[\p{L}-]+)?`,
  'gu',
);

const ROMANCE_STREETS = [
  'rue',
  'avenue',
  'boulevard',
  'bd',
  'chemin',
  'allée',
  'impasse',
  'quai',
  'calle',
  'avenida',
  'paseo',
  'via',
  'viale',
  'piazza',
  'corso',
  'rua',
]
  .map(w => `[${w[0]}${w[0].toUpperCase()}]${w.slice(1)}`)
  .join('|');

// French, Spanish, Italian, Portuguese with the number first:
// "12 rue de la Paix, 75002 Paris", "5 Calle Mayor".
const ROMANCE_NUMBER_FIRST = new RegExp(
  String.raw`(?<![\p{L}\p{N}])\d{1,4}(?:bis|ter)?,?\s+(?:${ROMANCE_STREETS})\s+(?:(?:de|du|des|la|le|les|del|della|di|do|da|d'|l')\s*|\p{Lu}[\p{L}'’-]*\s+){0,4}\p{Lu}[\p{L}'’-]*` +
    String.raw`(?:,\s*\d{4,5}\s+\p{Lu}[\p{L}-]+)?`,
  'gu',
);

// The same languages with the number after: "Calle de Alcalá 42",
// "Via Roma 10", "Rua Augusta, 274".
const ROMANCE_NUMBER_LAST = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:Calle|Avenida|Paseo|Via|Viale|Piazza|Corso|Rua|Largo)\s+(?:(?:de|del|della|di|do|da|dos|das)\s+|\p{Lu}[\p{L}'’-]*\s+){0,3}\p{Lu}[\p{L}'’-]*,?\s+\d{1,4}\b` +
    String.raw`(?:,\s*\d{4,5}\s+\p{Lu}[\p{L}-]+)?`,
  'gu',
);

/**
 * Street addresses by pattern: a house number, capitalised street words and
 * a street-type suffix (or a German/Dutch/Nordic street word before the
 * number). A trailing city with state and ZIP (or postcode) raises the
 * confidence.
 */
export function createAddressDetector(): Detector {
  return {
    type: 'ADDRESS',
    detect(text) {
      const found: Detection[] = [];
      if (!/\d/.test(text)) return found;
      for (const m of text.matchAll(STREET_FIRST)) {
        const withCity = /\d{5}|[A-Z]\d[A-Z\d]?\s\d[A-Z]{2}$/.test(m[0]);
        found.push({
          type: 'ADDRESS',
          start: m.index!,
          end: m.index! + m[0].length,
          confidence: withCity ? 0.9 : 0.75,
          detector: 'street-address',
        });
      }
      for (const pattern of [
        STREET_LAST,
        ROMANCE_NUMBER_FIRST,
        ROMANCE_NUMBER_LAST,
      ]) {
        for (const m of text.matchAll(pattern)) {
          found.push({
            type: 'ADDRESS',
            start: m.index!,
            end: m.index! + m[0].length,
            confidence: /,\s*\d{4,5}\s/.test(m[0]) ? 0.9 : 0.75,
            detector: 'street-address',
          });
        }
      }
      return found;
    },
  };
}
