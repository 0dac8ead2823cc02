import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const repoRoot = path.resolve(__dirname, '../../..');

/**
 * Keys whose values are credentials. Not `credentials`: in Backstage's
 * config it is a mode (`backend.cors.credentials: true`, the proxy's
 * `credentials: require`); credential objects hold keys this does match.
 */
const CREDENTIAL_KEY =
  /(secret|password|passwd|token|api[-_]?key|private[-_]?key|access[-_]?key|encryption[-_]?key|hash[-_]?key|routing[-_]?key|webhook)/i;

/** Values that are credentials whatever their key (a pasted token). */
const CREDENTIAL_VALUE =
  /(ghp_|gho_|github_pat_|glpat-|xox[abpr]-|sk-ant-|sk-[A-Za-z0-9]{20}|AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY|eyJ[A-Za-z0-9_-]{10,}\.eyJ)/;

/** `${VAR}` alone, or `$file` / `$env` includes. */
const fromEnvironment = (value: unknown) =>
  (typeof value === 'string' && /^\$\{[A-Z0-9_]+\}$/.test(value)) ||
  (typeof value === 'object' &&
    value !== null &&
    Object.keys(value).length === 1 &&
    ('$file' in value || '$env' in value));

/**
 * Literal values the laptop config may hold under a credential key: they
 * are placeholders for the sandbox, which checks no credential.
 */
const SANDBOX_PLACEHOLDERS = new Set(['sandbox', 'sandbox-has-no-auth']);

function* credentialsIn(
  value: unknown,
  at: string,
): Generator<{ at: string; value: unknown }> {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      yield* credentialsIn(item, `${at}[${i}]`);
    }
    return;
  }
  if (typeof value === 'string') {
    if (CREDENTIAL_VALUE.test(value)) yield { at, value };
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, child] of Object.entries(value)) {
    const where = at ? `${at}.${key}` : key;
    if (CREDENTIAL_KEY.test(key) && !fromEnvironment(child)) {
      if (typeof child === 'object' && child !== null) {
        // A section named like a credential (auth.keys[].secret is a value;
        // `secrets:` maps would be sections): look inside.
        yield* credentialsIn(child, where);
      } else {
        yield { at: where, value: child };
      }
    } else {
      yield* credentialsIn(child, where);
    }
  }
}

const configFiles = fs
  .readdirSync(repoRoot)
  .filter(name => /^app-config.*\.ya?ml$/.test(name))
  .sort();

describe('app-config files', () => {
  it('are all checked', () => {
    expect(configFiles).toEqual(
      expect.arrayContaining(['app-config.yaml', 'app-config.production.yaml']),
    );
  });

  it.each(configFiles)(
    '%s takes every credential from the environment or a file',
    file => {
      const config = parse(fs.readFileSync(path.join(repoRoot, file), 'utf8'));
      const literal = [...credentialsIn(config, '')].filter(
        ({ value }) =>
          !(
            file === 'app-config.yaml' &&
            typeof value === 'string' &&
            SANDBOX_PLACEHOLDERS.has(value)
          ),
      );
      expect(literal).toEqual([]);
    },
  );

  it('would catch a literal secret', () => {
    const found = [
      ...credentialsIn(
        {
          backend: { auth: { keys: [{ secret: 'hunter2' }] } },
          integrations: { github: [{ token: '${GITHUB_TOKEN}' }] },
          notes: ['ghp_abcdefghijklmnopqrstuvwxyz0123456789'],
          database: { connection: { password: { $file: '/run/secrets/pg' } } },
        },
        '',
      ),
    ];
    expect(found.map(f => f.at)).toEqual([
      'backend.auth.keys[0].secret',
      'notes[0]',
    ]);
  });
});
