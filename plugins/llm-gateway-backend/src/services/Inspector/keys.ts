import type { Config } from '@backstage/config';
import { hkdfSync, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';

const META_TABLE = 'llm_gateway_inspection_meta';
const INSTALL_KEY = 'install-key';

/** Keys inspection uses; each 32 bytes, each for one purpose. */
export interface InspectionKeys {
  /** AES-256-GCM key for redacted values in the vault. */
  vaultEncryption: Buffer;
  /** HMAC key to find a value in the vault without storing it in clear. */
  vaultDigest: Buffer;
  /** HMAC key for the `hash` action. */
  hash: Buffer;
}

function derive(secret: Buffer | string, purpose: string): Buffer {
  return Buffer.from(
    hkdfSync(
      'sha256',
      secret,
      'pilothouse-llm-gateway-inspection',
      purpose,
      32,
    ),
  );
}

/**
 * A random key made on first start and kept in the plugin's database, for
 * installs that configure none. Replicas racing to make it agree on the
 * first one written.
 */
async function installKey(knex: Knex): Promise<Buffer> {
  const read = async () =>
    (await knex(META_TABLE).where({ key: INSTALL_KEY }).first())?.value as
      | string
      | undefined;
  let value = await read();
  if (!value) {
    await knex(META_TABLE)
      .insert({ key: INSTALL_KEY, value: randomBytes(32).toString('base64') })
      .onConflict('key')
      .ignore();
    value = await read();
  }
  return Buffer.from(value!, 'base64');
}

/**
 * Keys from config (`llmGateway.inspection.hashKey`,
 * `llmGateway.inspection.vault.encryptionKey`) or, where absent, derived
 * from the per-install key in the database. Configured keys are the better
 * choice in production: a database dump alone then reveals nothing.
 */
export async function loadInspectionKeys(
  config: Config,
  knex: Knex,
): Promise<InspectionKeys> {
  const hashKey = config.getOptionalString('llmGateway.inspection.hashKey');
  const vaultKey = config.getOptionalString(
    'llmGateway.inspection.vault.encryptionKey',
  );
  const fallback = hashKey && vaultKey ? undefined : await installKey(knex);
  const vaultSecret = vaultKey ?? fallback!;
  return {
    vaultEncryption: derive(vaultSecret, 'vault-encryption'),
    vaultDigest: derive(vaultSecret, 'vault-digest'),
    hash: derive(hashKey ?? fallback!, 'hash-action'),
  };
}
