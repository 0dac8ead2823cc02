import { AWS_KINDS } from '../model';
import { AwsError, page } from '../wire';
import { AwsServiceDefinition } from './types';

/** Lambda (restJson1): ListFunctions, `GET /2015-03-31/functions/`. */
export const lambdaService: AwsServiceDefinition = {
  name: 'lambda',
  protocol: 'rest-json',
  deniedCode: 'AccessDeniedException',
  operations: {
    ListFunctions: {
      action: 'lambda:ListFunctions',
      handle(query: Record<string, string | undefined>, call) {
        const max = query.MaxItems ? Number(query.MaxItems) : 50;
        if (!Number.isInteger(max) || max < 1 || max > 10000) {
          throw new AwsError(
            'InvalidParameterValueException',
            `1 validation error detected: Value '${query.MaxItems}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000`,
          );
        }
        const functions = call.store
          .list(AWS_KINDS.function, call.region)
          .map(o => o.aws);
        // Lambda returns at most 50 per page whatever MaxItems says.
        const { items, next } = page(
          functions,
          Math.min(max, 50),
          query.Marker,
          'InvalidParameterValueException',
        );
        return { Functions: items, ...(next ? { NextMarker: next } : {}) };
      },
    },
  },
};
