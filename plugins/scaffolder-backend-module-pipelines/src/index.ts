import { createBackendFeatureLoader } from '@backstage/backend-plugin-api';
import { catalogModuleLocalRepositories } from './catalogModule';
import scaffolderModulePipelines from './module';

/**
 * The pipeline templates' scaffolder actions, and the catalog module that
 * lets the laptop's local publish register what it committed.
 */
export default createBackendFeatureLoader({
  *loader() {
    yield scaffolderModulePipelines;
    yield catalogModuleLocalRepositories;
  },
});
export { catalogModuleLocalRepositories, scaffolderModulePipelines };
