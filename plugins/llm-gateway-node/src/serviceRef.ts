import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { LlmGatewayClient } from './LlmGatewayClient';
import type { LlmGatewayService } from './types';

/** The gateway for other backend plugins; calls carry the caller's credentials. */
export const llmGatewayServiceRef = createServiceRef<LlmGatewayService>({
  id: 'pilothouse.llm-gateway',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      factory: ({ discovery, auth }) =>
        new LlmGatewayClient({ discovery, auth }),
    }),
});
