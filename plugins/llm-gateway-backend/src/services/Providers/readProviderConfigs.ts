import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  DATA_CLASSES,
  DataClass,
  ProviderType,
} from '@pilothouse/plugin-llm-gateway-common';

export interface ProviderModelConfig {
  name: string;
  inputUsdPerMTok: number;
  outputUsdPerMTok: number;
}

/** One entry of `llmGateway.providers`, with its defaults applied. */
export interface ProviderConfig {
  id: string;
  type: ProviderType;
  baseUrl?: string;
  apiKey?: string;
  models: ProviderModelConfig[];
  maxDataClass: DataClass;
  local: boolean;
  timeoutMs: number;
}

/** The local model's one model name. */
export const LOCAL_MODEL = 'pilothouse-local';

const PROVIDER_TYPES: ProviderType[] = ['local', 'anthropic', 'openai'];

/** The laptop default: only the local model, which may see everything. */
export const DEFAULT_PROVIDERS: ProviderConfig[] = [
  {
    id: 'local',
    type: 'local',
    models: [{ name: LOCAL_MODEL, inputUsdPerMTok: 0, outputUsdPerMTok: 0 }],
    maxDataClass: 'restricted',
    local: true,
    timeoutMs: 30_000,
  },
];

/** Reads `llmGateway.providers`, failing with the key that is wrong. */
export function readProviderConfigs(config: Config): ProviderConfig[] {
  const entries = config.getOptionalConfigArray('llmGateway.providers');
  if (!entries || entries.length === 0) return DEFAULT_PROVIDERS;
  const seen = new Set<string>();
  return entries.map((entry, index) => {
    const key = `llmGateway.providers[${index}]`;
    const id = entry.getString('id');
    if (seen.has(id)) {
      throw new InputError(`${key}.id: "${id}" is used by another provider`);
    }
    seen.add(id);
    const type = entry.getString('type') as ProviderType;
    if (!PROVIDER_TYPES.includes(type)) {
      throw new InputError(
        `${key}.type must be one of ${PROVIDER_TYPES.join(
          ', ',
        )}, not "${type}"`,
      );
    }
    const local = entry.getOptionalBoolean('local') ?? type === 'local';
    const maxDataClass = (entry.getOptionalString('maxDataClass') ??
      (local ? 'restricted' : 'internal')) as DataClass;
    if (!DATA_CLASSES.includes(maxDataClass)) {
      throw new InputError(
        `${key}.maxDataClass must be one of ${DATA_CLASSES.join(
          ', ',
        )}, not "${maxDataClass}"`,
      );
    }
    const models = (entry.getOptionalConfigArray('models') ?? []).map(m => ({
      name: m.getString('name'),
      inputUsdPerMTok: m.getOptionalNumber('inputUsdPerMTok') ?? 0,
      outputUsdPerMTok: m.getOptionalNumber('outputUsdPerMTok') ?? 0,
    }));
    if (models.length === 0) {
      if (type !== 'local') {
        throw new InputError(`${key}.models must name at least one model`);
      }
      models.push({
        name: LOCAL_MODEL,
        inputUsdPerMTok: 0,
        outputUsdPerMTok: 0,
      });
    }
    const baseUrl = entry.getOptionalString('baseUrl');
    if (type === 'openai' && !baseUrl) {
      throw new InputError(
        `${key}.baseUrl is required for an OpenAI-compatible provider (e.g. https://api.openai.com/v1)`,
      );
    }
    return {
      id,
      type,
      baseUrl,
      apiKey: entry.getOptionalString('apiKey'),
      models,
      maxDataClass,
      local,
      timeoutMs: entry.getOptionalNumber('timeoutMs') ?? 60_000,
    };
  });
}
