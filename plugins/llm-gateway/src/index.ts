/**
 * The Pilothouse LLM security gateway's admin page. The plugin itself (new
 * frontend system) is the default export of `@pilothouse/plugin-llm-gateway/alpha`.
 *
 * @packageDocumentation
 */
export { LlmGatewayClient, llmGatewayApiRef } from './api';
export type { LlmGatewayApi } from './api';
