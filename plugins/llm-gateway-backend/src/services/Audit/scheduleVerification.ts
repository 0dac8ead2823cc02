import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type SchedulerService,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { AuditLog } from '../types';

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { hours: 1 },
  timeout: { minutes: 30 },
  initialDelay: { minutes: 1 },
};

/**
 * Verifies the whole audit chain on a schedule (one replica at a time), so
 * the admin page shows a recent result and a broken chain is logged as an
 * error and shows in the `llm_gateway.audit.chain_ok` metric.
 */
export async function scheduleAuditVerification(options: {
  scheduler: SchedulerService;
  config: Config;
  auditLog: AuditLog;
}): Promise<void> {
  const { scheduler, config, auditLog } = options;
  const schedule = config.has('llmGateway.audit.verifySchedule')
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        config.getConfig('llmGateway.audit.verifySchedule'),
      )
    : DEFAULT_SCHEDULE;
  await scheduler.scheduleTask({
    id: 'llm-gateway-audit-verify',
    ...schedule,
    scope: 'global',
    fn: async () => {
      await auditLog.verify();
    },
  });
}
