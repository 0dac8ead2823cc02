import type { ModelProvider } from '../types';
import { AnthropicProvider } from './AnthropicProvider';
import { LocalProvider } from './LocalProvider';
import { OpenAiProvider } from './OpenAiProvider';
import type { EntityDirectory } from './local/entityDirectory';
import type { ProviderConfig } from './readProviderConfigs';

export {
  readProviderConfigs,
  LOCAL_MODEL,
  DEFAULT_PROVIDERS,
} from './readProviderConfigs';
export type {
  ProviderConfig,
  ProviderModelConfig,
} from './readProviderConfigs';
export { LocalProvider, estimateTokens } from './LocalProvider';
export {
  CatalogEntityDirectory,
  staticEntityDirectory,
} from './local/entityDirectory';
export type {
  EntityDirectory,
  DirectoryEntity,
} from './local/entityDirectory';
export { AnthropicProvider } from './AnthropicProvider';
export { OpenAiProvider } from './OpenAiProvider';

/**
 * One provider per `llmGateway.providers` entry; the local model recognises
 * the entities of `entityDirectory`.
 */
export function createProviders(
  configs: ProviderConfig[],
  options: { entityDirectory?: EntityDirectory } = {},
): ModelProvider[] {
  return configs.map(config => {
    switch (config.type) {
      case 'anthropic':
        return new AnthropicProvider(config);
      case 'openai':
        return new OpenAiProvider(config);
      default:
        return new LocalProvider(config, options);
    }
  });
}
