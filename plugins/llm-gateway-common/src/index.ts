/**
 * Shared by the LLM security gateway's backend, its node library (the
 * service other backend plugins call) and its admin page.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './api';
export * from './permissions';
