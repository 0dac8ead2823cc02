import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { z } from 'zod';
import {
  catalogComponents,
  CatalogComponent,
  resourcesOfAlarm,
} from '../catalog';
import { alarmSummary } from './listAlarms';
import { defineTool, region, result } from './types';

export const triageIncident = defineTool({
  name: 'triage_incident',
  title: 'Triage an incident',
  description: `Correlate the CloudWatch alarms firing now (state ALARM) with the catalog
components that own the alarmed resources, and suggest each component's
runbooks (its catalog links whose title contains "Runbook").

A component owns a resource when its "aws.amazon.com/resources" annotation
lists it, e.g. "ecs:payments/payments-api,rds:payments-db" (ecs:cluster/service,
rds:db-instance, lambda:function, ec2:instance-id). Pass "component" to see
only that component's alarms.

Example: {} → "1 firing alarm. payments-api-5xx → component payments (owner
group:payments-team); runbooks: Runbook https://runbooks.example.com/payments"`,
  inputSchema: {
    region,
    component: z
      .string()
      .min(1)
      .max(63)
      .optional()
      .describe('Only alarms on resources of this catalog component'),
  },
  annotations: {
    title: 'Triage an incident',
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: true,
  },
  permissions: ['cloudwatch:DescribeAlarms'],
  async handler({ component }, ctx) {
    const components = catalogComponents(ctx.catalogPath);
    const out = await ctx.send('cloudwatch', c =>
      c.send(
        new DescribeAlarmsCommand({ StateValue: 'ALARM', MaxRecords: 100 }),
      ),
    );
    const incidents = (out.MetricAlarms ?? []).map(alarm => {
      const resources = resourcesOfAlarm(alarm.Dimensions ?? []);
      const owner: CatalogComponent | undefined = components.find(c =>
        resources.some(r => c.resources.includes(r)),
      );
      return {
        alarm: alarmSummary(alarm),
        resources,
        component: owner
          ? { name: owner.name, owner: owner.owner, system: owner.system }
          : undefined,
        runbooks: owner?.runbooks ?? [],
      };
    });
    const shown = component
      ? incidents.filter(i => i.component?.name === component)
      : incidents;
    if (shown.length === 0) {
      return result(
        component
          ? `No firing alarms on resources of ${component} in ${ctx.region}.`
          : `No alarms are firing in ${ctx.region}.`,
        { region: ctx.region, incidents: [] },
      );
    }
    const lines = shown.map(i =>
      i.component
        ? `${i.alarm.name} → component ${i.component.name} (owner ${
            i.component.owner
          }); runbooks: ${
            i.runbooks.length
              ? i.runbooks.map(r => `${r.title} ${r.url}`).join(', ')
              : 'none in the catalog'
          }`
        : `${i.alarm.name} → no catalog component owns ${
            i.resources.join(', ') || 'its resource'
          } (add it to a component's aws.amazon.com/resources annotation)`,
    );
    return result(
      `${shown.length} firing alarm${
        shown.length === 1 ? '' : 's'
      }. ${lines.join('. ')}`,
      { region: ctx.region, incidents: shown },
    );
  },
});
