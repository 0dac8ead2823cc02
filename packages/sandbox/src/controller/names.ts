import { createHash, randomBytes } from 'node:crypto';

// The alphabet Kubernetes uses for generated name suffixes (no vowels, no
// look-alike characters), so sandbox names look like real ones.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function encode(bytes: Buffer, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out += ALPHABET[bytes[i % bytes.length] % ALPHABET.length];
  }
  return out;
}

/** Serialises JSON with sorted keys so that equal templates hash equally. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map(
        k =>
          `${JSON.stringify(k)}:${canonicalJson(
            (value as Record<string, unknown>)[k],
          )}`,
      )
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The `pod-template-hash` of a pod template. */
export function templateHash(template: unknown): string {
  return encode(
    createHash('sha256').update(canonicalJson(template)).digest(),
    10,
  );
}

/** A random five-character suffix, as in `payments-5d9f8c7b6d-x2k4q`. */
export function randomSuffix(): string {
  return encode(randomBytes(5), 5);
}
