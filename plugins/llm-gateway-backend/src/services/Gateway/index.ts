export { Gateway } from './Gateway';
export type { Caller, GatewayOptions, GatewaySettings } from './Gateway';
