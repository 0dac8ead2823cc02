/**
 * Errors the portal's backend plugins share.
 *
 * @packageDocumentation
 */
export {
  DATABASE_UNAVAILABLE_MESSAGE,
  databaseUnavailableErrors,
  isDatabaseUnavailable,
} from './databaseErrors';
