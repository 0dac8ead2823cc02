/**
 * The Pilothouse backend's one MCP client module.
 *
 * @packageDocumentation
 */
export { mcpServersServiceRef } from './serviceRef';
export * from './service';
