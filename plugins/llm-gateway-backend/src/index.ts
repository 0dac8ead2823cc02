/**
 * The Pilothouse LLM security gateway backend plugin.
 *
 * @packageDocumentation
 */
export { llmGatewayPlugin as default } from './plugin';
