export interface Config {
  /** The LLM security gateway (plugins/llm-gateway-backend). */
  llmGateway?: {};
}
