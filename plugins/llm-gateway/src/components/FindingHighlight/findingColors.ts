import type { FindingType } from '@pilothouse/plugin-llm-gateway-common';

// Light backgrounds that keep dark text readable; secrets in the loudest one.
const builtinColors: Record<string, string> = {
  EMAIL: '#bbdefb',
  PHONE: '#c8e6c9',
  US_SSN: '#ffccbc',
  CREDIT_CARD: '#ffe0b2',
  IBAN: '#fff59d',
  IP_ADDRESS: '#b2ebf2',
  PERSON: '#e1bee7',
  ADDRESS: '#d7ccc8',
  SECRET: '#ff8a80',
};

const customRulePalette = [
  '#f8bbd0',
  '#dcedc8',
  '#b3e5fc',
  '#ffecb3',
  '#d1c4e9',
  '#cfd8dc',
];

/** The highlight colour of a finding type; custom rules get a stable one by name. */
export function findingColor(type: FindingType): string {
  const builtin = builtinColors[type];
  if (builtin) return builtin;
  let hash = 0;
  for (const char of type) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return customRulePalette[hash % customRulePalette.length];
}
