import type { LoggerService } from '@backstage/backend-plugin-api';
import { readDurationFromConfig, type Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import {
  BUILTIN_FINDING_TYPES,
  type DlpRule,
} from '@pilothouse/plugin-llm-gateway-common';
import type { Knex } from 'knex';
import { isSupportedCountry } from 'libphonenumber-js/max';
import { z } from 'zod';
import type { Inspector } from '../types';
import { createBuiltinDetectors, DefaultInspector } from './DefaultInspector';
import { compileRules } from './detectors/customRules';
import { DatabaseInspectionSettingsStore } from './InspectionSettingsStore';
import { loadInspectionKeys } from './keys';
import { DatabasePlaceholderVault } from './PlaceholderVault';

const ACTION = z.enum(['allow', 'mask', 'redact', 'hash', 'block']);
const configuredDetector = z
  .object({
    enabled: z.boolean().optional(),
    input: ACTION.optional(),
    output: ACTION.optional(),
    minConfidence: z.number().min(0).max(1).optional(),
  })
  .strict();

function readDuration(config: Config, key: string, fallbackMs: number): number {
  return config.has(key)
    ? durationToMilliseconds(readDurationFromConfig(config, { key }))
    : fallbackMs;
}

/** `llmGateway.inspection.detectors.<TYPE>` as overrides of the defaults. */
function readConfiguredDetectors(config: Config) {
  const section = config.getOptionalConfig('llmGateway.inspection.detectors');
  const out: Record<
    string,
    { enabled?: boolean; actions?: any; minConfidence?: number }
  > = {};
  for (const type of section?.keys() ?? []) {
    if (!(BUILTIN_FINDING_TYPES as readonly string[]).includes(type)) {
      throw new InputError(
        `llmGateway.inspection.detectors.${type}: no such detector (one of ${BUILTIN_FINDING_TYPES.join(
          ', ',
        )})`,
      );
    }
    const parsed = configuredDetector.safeParse(section!.get(type));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(
        `llmGateway.inspection.detectors.${type}.${issue.path.join('.')}: ${
          issue.message
        }`,
      );
    }
    const { enabled, input, output, minConfidence } = parsed.data;
    out[type] = {
      enabled,
      minConfidence,
      actions: input || output ? { input, output } : undefined,
    };
  }
  return out;
}

export interface CreateInspectorOptions {
  config: Config;
  /** The plugin's database, migrated (see `applyDatabaseMigrations`). */
  knex: Knex;
  logger: LoggerService;
}

/**
 * The Inspector from config and the plugin's database: keys, vault,
 * detector settings, and custom rules seeded from
 * `llmGateway.inspection.rules` on the first start.
 */
export async function createInspector(
  options: CreateInspectorOptions,
): Promise<Inspector> {
  const { config, knex, logger } = options;
  const configuredRules =
    config.getOptional<unknown[]>('llmGateway.inspection.rules') ?? [];
  // Fail at start on a bad configured rule, naming it.
  const rules: DlpRule[] = compileRules(configuredRules).map(c => c.rule);
  const phoneRegion =
    config.getOptionalString('llmGateway.inspection.phoneRegion') ?? 'US';
  if (!isSupportedCountry(phoneRegion)) {
    throw new InputError(
      `llmGateway.inspection.phoneRegion: ${phoneRegion} is not a region libphonenumber knows (ISO 3166-1 alpha-2, e.g. US, DE)`,
    );
  }
  const store = new DatabaseInspectionSettingsStore(knex);
  if (await store.seedRules(rules)) {
    logger.info('DLP rules seeded from config', { count: rules.length });
  }
  const keys = await loadInspectionKeys(config, knex);
  const vault = new DatabasePlaceholderVault(
    knex,
    keys,
    readDuration(
      config,
      'llmGateway.inspection.vault.ttl',
      24 * 60 * 60 * 1000,
    ),
  );
  return new DefaultInspector({
    logger,
    store,
    vault,
    keys,
    configured: readConfiguredDetectors(config),
    builtins: createBuiltinDetectors({ phoneRegion }),
    refreshMs: readDuration(
      config,
      'llmGateway.inspection.settingsRefresh',
      30_000,
    ),
  });
}
