/**
 * AI agents and MCP servers in the browser: the Agents page and their
 * entity pages. The plugin itself (new frontend system) is the default
 * export of `@pilothouse/plugin-agents/alpha`.
 *
 * @packageDocumentation
 */
export { AgentsClient, agentsApiRef } from './api';
export type { AgentsApi, ManifestsDownload } from './api';
