/**
 * What the Pilothouse MCP servers share: the stateless Streamable HTTP
 * transport with its Host/Origin checks against DNS rebinding, and tracing
 * that continues the portal's trace in each tool call.
 *
 * @packageDocumentation
 */
export { startHttpServer } from './http';
export type { HttpServerLog, HttpServerOptions } from './http';
export { selectTools } from './selectTools';
export { startTracing } from './tracing';
export type { Tracing } from './tracing';
export { traceToolCalls, TracedTransport } from './traceToolCalls';
export type { FilterableTool, ToolModes } from './selectTools';
