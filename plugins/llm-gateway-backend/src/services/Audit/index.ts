export { DatabaseAuditLog } from './DatabaseAuditLog';
export { GENESIS_HASH, canonicalRecord, hashRecord } from './chain';
