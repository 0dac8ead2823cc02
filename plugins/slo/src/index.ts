/**
 * SLOs in the browser: the SLOs page, the SLO tab of component pages and the
 * SLO entity page. The plugin itself (new frontend system) is the default
 * export of `@pilothouse/plugin-slo/alpha`.
 *
 * @packageDocumentation
 */
export { SloClient, sloApiRef } from './api';
export type { SloApi, SloListQuery } from './api';
