import { lintSource } from '@secretlint/core';
import { secretLintProfiler } from '@secretlint/profiler';
import { rules as recommendedRules } from '@secretlint/secretlint-rule-preset-recommend';
import { Detection, Detector } from './types';

const RULE_PREFIX = '@secretlint/secretlint-rule-';

/** secretlint rule (and message) → the finding's subtype. */
const SUBTYPES: Record<string, string> = {
  'aws:AWSAccessKeyID': 'aws-access-key',
  'aws:AWSSecretAccessKey': 'aws-secret-key',
  'aws:AWSAccountID': 'aws-account-id',
  gcp: 'gcp-key',
  privatekey: 'private-key',
  npm: 'npm-token',
  'slack:SLACK_TOKEN': 'slack-token',
  'slack:IncomingWebhook': 'slack-webhook',
  sendgrid: 'sendgrid-key',
  shopify: 'shopify-token',
  stripe: 'stripe-key',
  github: 'github-token',
  gitlab: 'gitlab-token',
  grafana: 'grafana-token',
  openai: 'openai-key',
  anthropic: 'anthropic-key',
  groq: 'groq-key',
  huggingface: 'huggingface-token',
  linear: 'linear-token',
  notion: 'notion-token',
  '1password': '1password-token',
  'database-connection-string': 'db-url',
  'hashicorp-vault': 'vault-token',
  vercel: 'vercel-token',
  databricks: 'databricks-token',
  docker: 'docker-token',
  figma: 'figma-token',
  cloudflare: 'cloudflare-token',
  tailscale: 'tailscale-key',
};

const DB_SCHEMES =
  /^(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|mssql|sqlserver|clickhouse|cockroachdb|jdbc:[a-z]+):\/\//i;

/**
 * Secretlint's recommended preset, minus `filter-comments` (which would let
 * a prompt switch detection off with a `secretlint-disable` comment), and
 * with AWS access key ids switched on.
 */
type SecretlintConfig = Parameters<typeof lintSource>[0]['options']['config'];

function secretlintConfig(): SecretlintConfig {
  return {
    rules: recommendedRules
      .filter(rule => rule.meta.id !== `${RULE_PREFIX}filter-comments`)
      .map(rule => ({
        id: rule.meta.id,
        rule,
        options:
          rule.meta.id === `${RULE_PREFIX}aws`
            ? { enableIDScanRule: true }
            : {},
      })),
  } as SecretlintConfig;
}

// What the preset lacks, each kept narrow:
// - JWTs (no rule in the preset): three base64url parts whose header decodes
//   to JSON with an `alg`; the `eyJ` prefix is `{"` in base64.
const JWT =
  /(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}(?![\w-])/g;
// - Private key blocks pasted short or truncated (the preset wants 100+
//   characters of body and the END line).
const PRIVATE_KEY_BLOCK =
  /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:[\r\n]+[A-Za-z0-9+/=:\-, ]{1,100})*(?:[\r\n]+-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----)?/g;
// - Database URLs with a password for schemes the preset does not cover
//   (Redis, AMQP, SQL Server, ClickHouse; the preset does Postgres, MySQL,
//   MongoDB).
const OTHER_DB_URL =
  /(?<![\w+.-])(?:redis|rediss|amqps?|mssql|sqlserver|clickhouse|mariadb|cockroachdb):\/\/[^\s:/@]*:[^\s@/]{3,}@[^\s"'<>]+/gi;

// - Google API keys (`AIza` + 35): the preset's GCP rule only knows
//   service-account key files.
const GOOGLE_API_KEY = /(?<![\w-])AIza[0-9A-Za-z_-]{35}(?![\w-])/g;
// - HTTP Basic credentials in a header: base64 of `user:password`.
const BASIC_AUTH_HEADER = /\bBasic\s+([A-Za-z0-9+/]{8,}={0,2})(?![\w+/=])/g;

function isBasicCredential(encoded: string): boolean {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  return /^[\x21-\x7e]{1,128}:[\x20-\x7e]{3,}$/.test(decoded);
}

function isJwt(token: string): boolean {
  try {
    const header = JSON.parse(
      Buffer.from(token.split('.')[0], 'base64url').toString('utf8'),
    );
    return (
      typeof header === 'object' &&
      header !== null &&
      typeof header.alg === 'string'
    );
  } catch {
    return false;
  }
}

function subtypeOf(
  ruleId: string,
  messageId: string | undefined,
  value: string,
): string {
  const rule = ruleId.startsWith(RULE_PREFIX)
    ? ruleId.slice(RULE_PREFIX.length)
    : ruleId;
  if (rule === 'basicauth')
    return DB_SCHEMES.test(value) ? 'db-url' : 'url-password';
  return SUBTYPES[`${rule}:${messageId}`] ?? SUBTYPES[rule] ?? rule;
}

/**
 * Secrets: cloud keys, platform tokens, private keys, connection strings
 * (secretlint's recommended rules), plus JWTs and what the preset misses.
 */
export function createSecretsDetector(): Detector {
  // secretlint profiles every run by default: performance marks per rule,
  // kept by its profiler and in Node's performance timeline for good. In a
  // server that inspects every request, that is a leak (about 70 KB per
  // model call, found by packages/resilience's load test).
  secretLintProfiler.setEnabled(false);
  const config = secretlintConfig();
  return {
    type: 'SECRET',
    async detect(text) {
      const found: Detection[] = [];
      const result = await lintSource({
        source: {
          filePath: 'inspected.txt',
          ext: '.txt',
          content: text,
          contentType: 'text',
        },
        options: { config, maskSecrets: false },
      });
      for (const message of result.messages) {
        let [start, end] = message.range;
        if (message.messageId === 'AWSSecretAccessKey') {
          // The rule reports the assignment's start with the key's length.
          const key = /[A-Za-z0-9/+=]{40}/.exec(text.slice(start, start + 120));
          if (!key) continue;
          start += key.index;
          end = start + 40;
        }
        // A whole-file report (GCP service-account JSON) is the whole text.
        const value = text.slice(start, end);
        const subtype = subtypeOf(message.ruleId, message.messageId, value);
        found.push({
          type: 'SECRET',
          subtype,
          start,
          end,
          confidence: subtype === 'aws-account-id' ? 0.7 : 0.95,
          detector: `secretlint:${message.ruleId.replace(RULE_PREFIX, '')}`,
        });
      }
      if (text.includes('eyJ')) {
        for (const m of text.matchAll(JWT)) {
          if (!isJwt(m[0])) continue;
          found.push({
            type: 'SECRET',
            subtype: 'jwt',
            start: m.index!,
            end: m.index! + m[0].length,
            confidence: 0.95,
            detector: 'jwt',
          });
        }
      }
      if (text.includes('AIza')) {
        for (const m of text.matchAll(GOOGLE_API_KEY)) {
          found.push({
            type: 'SECRET',
            subtype: 'gcp-key',
            start: m.index!,
            end: m.index! + m[0].length,
            confidence: 0.9,
            detector: 'google-api-key',
          });
        }
      }
      if (text.includes('Basic')) {
        for (const m of text.matchAll(BASIC_AUTH_HEADER)) {
          if (!isBasicCredential(m[1])) continue;
          const start = m.index! + m[0].length - m[1].length;
          found.push({
            type: 'SECRET',
            subtype: 'basic-auth',
            start,
            end: start + m[1].length,
            confidence: 0.9,
            detector: 'basic-auth-header',
          });
        }
      }
      if (text.includes('PRIVATE KEY')) {
        for (const m of text.matchAll(PRIVATE_KEY_BLOCK)) {
          found.push({
            type: 'SECRET',
            subtype: 'private-key',
            start: m.index!,
            end: m.index! + m[0].length,
            confidence: 0.9,
            detector: 'private-key-block',
          });
        }
      }
      if (text.includes('://')) {
        for (const m of text.matchAll(OTHER_DB_URL)) {
          found.push({
            type: 'SECRET',
            subtype: 'db-url',
            start: m.index!,
            end: m.index! + m[0].length,
            confidence: 0.9,
            detector: 'db-url',
          });
        }
      }
      return found;
    },
  };
}
