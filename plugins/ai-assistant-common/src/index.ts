/**
 * The in-portal AI assistant's contract: conversations, the events a turn
 * streams, plans, and voice transcription.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './api';
