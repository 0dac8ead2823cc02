/**
 * The catalog module for AI agents and MCP servers (kinds `Agent` and
 * `MCPServer`, apiVersion `pilothouse.io/v1alpha1`).
 *
 * @packageDocumentation
 */
export { catalogModuleAgentOps as default } from './module';
export { AgentOpsEntityProcessor } from './processor/AgentOpsEntityProcessor';
export { validateAgentOpsEntity } from './processor/validation';
export { compareTools } from './liveTools/compareTools';
