/**
 * Kubernetes isolation for AI agents (`/api/agents`): rendered manifests
 * per Agent entity and drift against the live cluster.
 *
 * @packageDocumentation
 */
export { agentsPlugin as default } from './plugin';
export {
  renderAgentManifests,
  toYamlStream,
  type KubeObject,
  type RenderedAgent,
} from './render/manifests';
export {
  DEFAULT_ISOLATION_OPTIONS,
  type IsolationOptions,
} from './render/options';
export { RenderRefusedError } from './render/permissions';
