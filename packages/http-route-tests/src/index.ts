/**
 * Test helpers shared by the backend plugins' fuzz and access tests: the
 * routes a plugin serves (read from the running backend), hostile inputs
 * for fast-check, and the checks on the answers.
 *
 * @packageDocumentation
 */
export {
  checkRouteTable,
  listPluginRoutes,
  routeKey,
  type PluginRoute,
} from './routes';
export {
  HOSTILE_STRINGS,
  MALFORMED_BODIES,
  PROTOTYPE_KEYS,
  hostileJson,
  hostileString,
  mutated,
} from './hostile';
export {
  checkAnswer,
  errorMessageOf,
  fuzzPluginRoutes,
  requestArbitrary,
  send,
  type FuzzPluginOptions,
  type FuzzReport,
  type FuzzRequest,
  type FuzzResponse,
  type RouteFuzzSpec,
} from './fuzz';
export {
  checkRouteAccess,
  type AccessCheckOptions,
  type AccessFinding,
  type RouteAccess,
} from './access';
