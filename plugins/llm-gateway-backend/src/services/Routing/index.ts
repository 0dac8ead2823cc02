export { DefaultModelRouter, mayReceive } from './DefaultModelRouter';
export type { BreakerOptions } from './DefaultModelRouter';
