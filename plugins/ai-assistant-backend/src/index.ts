/**
 * The Pilothouse AI assistant's backend plugin (`/api/ai-assistant`).
 *
 * @packageDocumentation
 */
export { aiAssistantPlugin as default } from './plugin';
export { createAiAssistantPlugin } from './plugin';
export type { Transcriber } from './services/types';
