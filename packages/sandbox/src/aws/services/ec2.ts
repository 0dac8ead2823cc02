import { KubeObject } from '../../store';
import { AWS_KINDS } from '../model';
import { AwsError, listPrefixes, listValues, page } from '../wire';
import { AwsServiceDefinition } from './types';

type Instance = Record<string, any>;

function tagsOf(instance: Instance): Record<string, string> {
  return Object.fromEntries(
    (instance.tagSet?.item ?? []).map((t: any) => [t.key, t.value]),
  );
}

/** The DescribeInstances filters the sandbox understands, by name. */
function filterMatches(
  name: string,
  values: string[],
  instance: Instance,
): boolean {
  const tags = tagsOf(instance);
  if (name === 'instance-state-name') {
    return values.includes(instance.instanceState.name);
  }
  if (name === 'instance-id') {
    return values.includes(instance.instanceId);
  }
  if (name === 'instance-type') {
    return values.includes(instance.instanceType);
  }
  if (name === 'availability-zone') {
    return values.includes(instance.placement.availabilityZone);
  }
  if (name === 'tag-key') {
    return values.some(v => v in tags);
  }
  if (name.startsWith('tag:')) {
    const key = name.slice(4);
    return key in tags && values.includes(tags[key]);
  }
  throw new AwsError(
    'InvalidParameterValue',
    `The filter '${name}' is invalid (the Pilothouse sandbox supports instance-state-name, instance-id, instance-type, availability-zone, tag-key and tag:<key>)`,
  );
}

/** EC2 (the ec2 query protocol): DescribeInstances. */
export const ec2Service: AwsServiceDefinition = {
  name: 'ec2',
  protocol: 'ec2',
  version: '2016-11-15',
  deniedCode: 'UnauthorizedOperation',
  operations: {
    DescribeInstances: {
      action: 'ec2:DescribeInstances',
      handle(params: Record<string, string>, call) {
        const ids = listValues(params, 'InstanceId');
        const filters = listPrefixes(params, 'Filter').map(p => ({
          name: params[`${p}.Name`],
          values: listValues(params, `${p}.Value`),
        }));
        const max = params.MaxResults ? Number(params.MaxResults) : 1000;
        if (params.MaxResults && ids.length > 0) {
          throw new AwsError(
            'InvalidParameterCombination',
            'The parameter instancesSet cannot be used with the parameter maxResults',
          );
        }
        if (!Number.isInteger(max) || max < 5 || max > 1000) {
          throw new AwsError(
            'InvalidParameterValue',
            `Value ( ${params.MaxResults} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`,
          );
        }
        const all = call.store
          .list(AWS_KINDS.instance, call.region)
          .map((o: KubeObject) => o.aws as Instance);
        const missing = ids.filter(id => !all.some(i => i.instanceId === id));
        if (missing.length) {
          throw new AwsError(
            'InvalidInstanceID.NotFound',
            `The instance IDs '${missing.join(', ')}' do not exist`,
          );
        }
        const matching = all.filter(
          i =>
            (ids.length === 0 || ids.includes(i.instanceId)) &&
            filters.every(f => filterMatches(f.name, f.values, i)),
        );
        const { items, next } = page(
          matching,
          max,
          params.NextToken,
          'InvalidParameterValue',
        );
        return {
          reservationSet: {
            item: items.map(({ reservationId, ...instance }) => ({
              reservationId,
              ownerId: call.account.accountId,
              groupSet: {},
              instancesSet: { item: [instance] },
            })),
          },
          ...(next ? { nextToken: next } : {}),
        };
      },
    },
  },
};
