import { AWS_KINDS } from '../model';
import { AwsError, page } from '../wire';
import { AwsServiceDefinition } from './types';

/** RDS (awsQuery): DescribeDBInstances. */
export const rdsService: AwsServiceDefinition = {
  name: 'rds',
  protocol: 'query',
  version: '2014-10-31',
  xmlns: 'http://rds.amazonaws.com/doc/2014-10-31/',
  deniedCode: 'AccessDenied',
  operations: {
    DescribeDBInstances: {
      action: 'rds:DescribeDBInstances',
      handle(params: Record<string, string>, call) {
        const max = params.MaxRecords ? Number(params.MaxRecords) : 100;
        if (!Number.isInteger(max) || max < 20 || max > 100) {
          throw new AwsError(
            'InvalidParameterValue',
            'Invalid value for MaxRecords. Must be between 20 and 100',
          );
        }
        let instances = call.store
          .list(AWS_KINDS.dbInstance, call.region)
          .map(o => o.aws);
        const id = params.DBInstanceIdentifier;
        if (id) {
          instances = instances.filter(
            db => db.DBInstanceIdentifier === id || db.DBInstanceArn === id,
          );
          if (instances.length === 0) {
            throw new AwsError(
              'DBInstanceNotFound',
              `DBInstance ${id} not found.`,
              404,
            );
          }
        }
        const { items, next } = page(
          instances,
          max,
          params.Marker,
          'InvalidParameterValue',
        );
        return {
          DBInstances: { DBInstance: items },
          ...(next ? { Marker: next } : {}),
        };
      },
    },
  },
};
