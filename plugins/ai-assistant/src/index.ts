/**
 * The Pilothouse AI assistant in the browser. The plugin itself (new frontend
 * system) is the default export of `@pilothouse/plugin-ai-assistant/alpha`.
 *
 * @packageDocumentation
 */
export {
  AiAssistantClient,
  aiAssistantApiRef,
  AssistantRequestError,
} from './api';
export type { AiAssistantApi, ListedApproval, StreamOptions } from './api';
