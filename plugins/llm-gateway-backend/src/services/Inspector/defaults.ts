import type {
  BuiltinFindingType,
  DataClass,
  DetectorSetting,
  FindingType,
} from '@pilothouse/plugin-llm-gateway-common';

/**
 * What a security team would choose, per type and direction:
 * - input (towards a model or tool): nothing identifying leaves as is.
 *   Secrets are refused outright (a prompt should never carry one);
 *   financial and government ids and contact details are redacted with
 *   restorable placeholders, so the model still sees "[EMAIL_1]" and the
 *   user gets the real value back.
 * - output (model text, tool results): secrets and financial/government
 *   ids are redacted (a tool result can leak a key or a card from a real
 *   system); contact details are allowed, since the answer goes back to the
 *   person who asked, and owner emails and on-call phones are the point of
 *   many answers.
 * - IP addresses: redacted on input; private, loopback and documentation
 *   ranges carry a lower confidence (0.6) but still pass the 0.5 default.
 * - PERSON needs 0.6: a lone capitalised word found only by NLP (0.45) is
 *   more often a product than a person.
 */
export const DEFAULT_DETECTORS: Record<
  BuiltinFindingType,
  Omit<DetectorSetting, 'type' | 'builtin'>
> = {
  SECRET: {
    enabled: true,
    actions: { input: 'block', output: 'redact' },
    minConfidence: 0.5,
    description:
      'Cloud keys, platform tokens, private keys, JWTs, database URLs with passwords (secretlint recommended rules and JWTs)',
  },
  US_SSN: {
    enabled: true,
    actions: { input: 'redact', output: 'redact' },
    minConfidence: 0.6,
    description: 'US Social Security numbers (never-issued ranges excluded)',
  },
  CREDIT_CARD: {
    enabled: true,
    actions: { input: 'redact', output: 'redact' },
    minConfidence: 0.5,
    description: 'Payment card numbers (issuer prefix and Luhn check)',
  },
  IBAN: {
    enabled: true,
    actions: { input: 'redact', output: 'redact' },
    minConfidence: 0.5,
    description:
      'International bank account numbers (country format and mod-97)',
  },
  EMAIL: {
    enabled: true,
    actions: { input: 'redact', output: 'allow' },
    minConfidence: 0.5,
    description: 'Email addresses',
  },
  PHONE: {
    enabled: true,
    actions: { input: 'redact', output: 'allow' },
    minConfidence: 0.6,
    description: 'Phone numbers, international formats (libphonenumber)',
  },
  PERSON: {
    enabled: true,
    actions: { input: 'redact', output: 'allow' },
    minConfidence: 0.6,
    description: 'Person names (given-name dictionary, then compromise NLP)',
  },
  ADDRESS: {
    enabled: true,
    actions: { input: 'redact', output: 'allow' },
    minConfidence: 0.6,
    description: 'Street addresses',
  },
  IP_ADDRESS: {
    enabled: true,
    actions: { input: 'redact', output: 'allow' },
    minConfidence: 0.5,
    description: 'IPv4 and IPv6 addresses',
  },
};

/** The data class a built-in finding implies. */
export const BUILTIN_DATA_CLASS: Record<BuiltinFindingType, DataClass> = {
  SECRET: 'restricted',
  US_SSN: 'confidential',
  CREDIT_CARD: 'confidential',
  IBAN: 'confidential',
  EMAIL: 'internal',
  PHONE: 'internal',
  PERSON: 'internal',
  ADDRESS: 'internal',
  IP_ADDRESS: 'internal',
};

/**
 * When two findings overlap, the more specific type keeps the span: a JWT or
 * a database URL is not also an email inside it; a card number is not also
 * a phone number. Custom rules rank just below secrets: an admin wrote them
 * for this organisation's data.
 */
export const SPECIFICITY: Record<BuiltinFindingType, number> = {
  SECRET: 100,
  CREDIT_CARD: 80,
  IBAN: 80,
  US_SSN: 75,
  EMAIL: 70,
  IP_ADDRESS: 60,
  PHONE: 50,
  ADDRESS: 40,
  PERSON: 30,
};
export const CUSTOM_RULE_SPECIFICITY = 90;

export function specificity(type: FindingType): number {
  return SPECIFICITY[type as BuiltinFindingType] ?? CUSTOM_RULE_SPECIFICITY;
}
