/**
 * The LLM security gateway for other backend plugins: every model call and
 * tool call of the assistant (and anything else) goes through this service.
 *
 * @packageDocumentation
 */
export { llmGatewayServiceRef } from './serviceRef';
export type { LlmGatewayService, GatewayCallOptions } from './types';
export { LlmGatewayClient } from './LlmGatewayClient';
