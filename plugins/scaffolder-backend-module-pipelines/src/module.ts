import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createCheckPinnedActionsAction } from './actions/checkPinnedActions';
import { createCheckWorkflowPermissionsAction } from './actions/checkWorkflowPermissions';
import { createGenerateSloRulesAction } from './actions/generateSloRules';
import { createPublishLocalAction } from './actions/publishLocal';
import { createRenderAgentManifestsAction } from './actions/renderAgentManifests';
import { createValidateGitLabCiAction } from './actions/validateGitLabCi';
import { createValidateKubernetesAction } from './actions/validateKubernetes';
import { createValidateWorkflowAction } from './actions/validateWorkflow';

/**
 * Pilothouse's scaffolder actions for pipeline templates: validation of what
 * a template generated, and the laptop's local publish step.
 */
export default createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'pipelines',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, config, auth, discovery, catalog }) {
        scaffolder.addActions(
          createValidateWorkflowAction(),
          createValidateGitLabCiAction(),
          createCheckPinnedActionsAction(),
          createCheckWorkflowPermissionsAction(),
          createValidateKubernetesAction(),
          createPublishLocalAction({ config, auth, catalog }),
          createRenderAgentManifestsAction({ discovery, auth }),
          createGenerateSloRulesAction(),
        );
      },
    });
  },
});
