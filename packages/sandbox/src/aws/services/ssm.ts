import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AWS_KINDS, awsObject, epochSeconds } from '../model';
import { AwsError, page } from '../wire';
import { AwsCallContext, AwsServiceDefinition } from './types';

const listInput = z.object({
  Filters: z
    .array(z.object({ Key: z.string(), Values: z.array(z.string()) }))
    .optional(),
  MaxResults: z.number().int().min(1).max(50).optional(),
  NextToken: z.string().optional(),
});

const startInput = z.object({
  DocumentName: z.string().min(1),
  DocumentVersion: z.string().optional(),
  Parameters: z.record(z.string(), z.array(z.string())).optional(),
});

const getInput = z.object({ AutomationExecutionId: z.string() });

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) {
    throw new AwsError(
      'ValidationException',
      parsed.error.issues
        .map(i => `${i.path.join('.')}: ${i.message}`)
        .join('; '),
    );
  }
  return parsed.data;
}

/** Whether a document matches one ListDocuments key filter. */
function matchesFilter(
  call: AwsCallContext,
  doc: Record<string, any>,
  key: string,
  values: string[],
): boolean {
  switch (key) {
    case 'DocumentType':
      return values.includes(doc.DocumentType);
    case 'Name':
      return values.some(v => doc.Name.startsWith(v));
    case 'SearchKeyword':
      return values.some(v =>
        `${doc.Name} ${doc.DisplayName ?? ''}`
          .toLowerCase()
          .includes(v.toLowerCase()),
      );
    case 'Owner':
      return values.some(owner => {
        const own = doc.Owner === call.account.accountId;
        if (owner === 'Self' || owner === 'Private') return own;
        if (owner === 'Amazon' || owner === 'Public') {
          return doc.Owner === 'Amazon';
        }
        return owner === 'All' || owner === doc.Owner;
      });
    default:
      throw new AwsError(
        'InvalidFilterKey',
        `The filter key ${key} is not supported (the Pilothouse sandbox supports DocumentType, Name, Owner and SearchKeyword)`,
      );
  }
}

/** SSM (awsJson1_1): ListDocuments, StartAutomationExecution, GetAutomationExecution. */
export const ssmService: AwsServiceDefinition = {
  name: 'ssm',
  protocol: 'json',
  target: 'AmazonSSM',
  contentType: 'application/x-amz-json-1.1',
  deniedCode: 'AccessDeniedException',
  operations: {
    ListDocuments: {
      action: 'ssm:ListDocuments',
      handle(body, call) {
        const input = parse(listInput, body);
        const documents = call.store
          .list(AWS_KINDS.document, call.region)
          .map(o => o.aws.identifier)
          .filter(doc =>
            (input.Filters ?? []).every(f =>
              matchesFilter(call, doc, f.Key, f.Values),
            ),
          );
        const { items, next } = page(
          documents,
          input.MaxResults ?? 50,
          input.NextToken,
          'InvalidNextToken',
        );
        return {
          DocumentIdentifiers: items,
          ...(next ? { NextToken: next } : {}),
        };
      },
    },
    StartAutomationExecution: {
      action: 'ssm:StartAutomationExecution',
      handle(body, call) {
        const input = parse(startInput, body);
        const name = input.DocumentName.startsWith('arn:')
          ? input.DocumentName.split('/').pop()!
          : input.DocumentName;
        const doc = call.store.get(AWS_KINDS.document, call.region, name)?.aws;
        if (!doc || doc.identifier.DocumentType !== 'Automation') {
          throw new AwsError(
            'AutomationDefinitionNotFoundException',
            `Automation definition ${input.DocumentName} not found.`,
          );
        }
        const version = input.DocumentVersion ?? '$DEFAULT';
        if (
          !['$DEFAULT', '$LATEST', doc.identifier.DocumentVersion].includes(
            version,
          )
        ) {
          throw new AwsError(
            'AutomationDefinitionVersionNotFoundException',
            `Automation definition ${name}:${version} not found.`,
          );
        }
        const parameters = input.Parameters ?? {};
        const unknown = Object.keys(parameters).filter(
          p => !doc.parameters.includes(p),
        );
        const missing = (doc.required as string[]).filter(
          p => !parameters[p]?.length,
        );
        if (unknown.length || missing.length) {
          throw new AwsError(
            'InvalidAutomationExecutionParametersException',
            [
              unknown.length
                ? `Parameter(s) [${unknown.join(', ')}] not defined in the document`
                : '',
              missing.length
                ? `Parameter(s) [${missing.join(', ')}] must be specified`
                : '',
            ]
              .filter(Boolean)
              .join('; '),
          );
        }
        const id = randomUUID();
        const now = epochSeconds();
        // Nothing runs in the sandbox: the execution is recorded as done.
        call.store.create(
          awsObject(AWS_KINDS.execution, call.region, id, {
            AutomationExecutionId: id,
            DocumentName: name,
            DocumentVersion: doc.identifier.DocumentVersion,
            ExecutionStartTime: now,
            ExecutionEndTime: now,
            AutomationExecutionStatus: 'Success',
            StepExecutions: [],
            Parameters: parameters,
            Outputs: {},
            Mode: 'Auto',
            ExecutedBy: call.caller.arn,
          }),
        );
        return { AutomationExecutionId: id };
      },
    },
    GetAutomationExecution: {
      action: 'ssm:GetAutomationExecution',
      handle(body, call) {
        const input = parse(getInput, body);
        const execution = call.store.get(
          AWS_KINDS.execution,
          call.region,
          input.AutomationExecutionId,
        );
        if (!execution) {
          throw new AwsError(
            'AutomationExecutionNotFoundException',
            `Automation execution ${input.AutomationExecutionId} not found.`,
          );
        }
        return { AutomationExecution: execution.aws };
      },
    },
  },
};
