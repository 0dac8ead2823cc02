export { DatabaseAuditLog } from './DatabaseAuditLog';
export { GENESIS_HASH, canonicalRecord, hashRecord } from './chain';
export { scheduleAuditVerification } from './scheduleVerification';
