/**
 * What the Pilothouse MCP servers share: the stateless Streamable HTTP
 * transport with its Host/Origin checks against DNS rebinding.
 *
 * @packageDocumentation
 */
export { startHttpServer } from './http';
export type { HttpServerLog, HttpServerOptions } from './http';
export { selectTools } from './selectTools';
export type { FilterableTool, ToolModes } from './selectTools';
