export { createQuotas } from './createQuotas';
export { RateLimiterQuotas } from './RateLimiterQuotas';
export { DatabaseUsageStore } from './DatabaseUsageStore';
export { QuotaExceededError } from './QuotaExceededError';
export { readQuotaConfig } from './config';
