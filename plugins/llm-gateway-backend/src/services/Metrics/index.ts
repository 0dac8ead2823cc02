export { createGatewayMetrics } from './GatewayMetrics';
export type { GatewayMetrics, QuotaLimitName } from './GatewayMetrics';
