import { createHmac } from 'node:crypto';

/**
 * What makes two spellings of one value the same value, so that they get
 * the same placeholder and hash: `+1 415-555-2671` and `(415) 555-2671`.
 */
export function normalizeValue(
  type: string,
  value: string,
  hint?: string,
): string {
  if (hint) return hint;
  switch (type) {
    case 'EMAIL':
      return value.toLowerCase();
    case 'CREDIT_CARD':
    case 'US_SSN':
    case 'PHONE':
      return value.replace(/[^\d+]/g, '');
    case 'IBAN':
      return value.replace(/[\s-]/g, '').toUpperCase();
    case 'IP_ADDRESS':
      return value.toLowerCase();
    default:
      return value.replace(/\s+/g, ' ').trim();
  }
}

/**
 * Keeps the last four characters (`****1111`); values of 8 characters or
 * fewer are masked whole, since four would be half of them.
 */
export function maskValue(value: string): string {
  const compact = value.replace(/[\s-]/g, '');
  if (compact.length <= 8) return '****';
  return `****${compact.slice(-4)}`;
}

/** `[EMAIL:ab12cd34]`: a keyed HMAC, the same for the same value everywhere. */
export function hashValue(
  key: Buffer,
  type: string,
  normalized: string,
): string {
  const digest = createHmac('sha256', key)
    .update(`${type}\0${normalized}`)
    .digest('hex')
    .slice(0, 8);
  return `[${type}:${digest}]`;
}
