import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { z } from 'zod';
import { defineTool, region, result } from './types';

export const listRdsInstances = defineTool({
  name: 'list_rds_instances',
  title: 'List RDS instances',
  description: `List RDS database instances in a region with engine, class, status,
Multi-AZ and storage.

Example: {} → "2 instances: payments-db (postgres 16.4, db.r6g.large, available, Multi-AZ), …"`,
  inputSchema: {
    region,
    maxRecords: z.number().int().min(20).max(100).default(100),
  },
  annotations: {
    title: 'List RDS instances',
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: true,
  },
  permissions: ['rds:DescribeDBInstances'],
  async handler({ maxRecords }, ctx) {
    const out = await ctx.send('rds', c =>
      c.send(new DescribeDBInstancesCommand({ MaxRecords: maxRecords })),
    );
    const instances = (out.DBInstances ?? []).map(db => ({
      identifier: db.DBInstanceIdentifier ?? '',
      engine: db.Engine,
      engineVersion: db.EngineVersion,
      instanceClass: db.DBInstanceClass,
      status: db.DBInstanceStatus,
      multiAz: db.MultiAZ ?? false,
      allocatedStorageGb: db.AllocatedStorage,
    }));
    return result(
      instances.length
        ? `${instances.length} instances in ${ctx.region}: ${instances
            .map(
              i =>
                `${i.identifier} (${i.engine} ${i.engineVersion}, ${
                  i.instanceClass
                }, ${i.status}${i.multiAz ? ', Multi-AZ' : ''})`,
            )
            .join(', ')}`
        : `No RDS instances in ${ctx.region}.`,
      { region: ctx.region, instances, truncated: Boolean(out.Marker) },
    );
  },
});
