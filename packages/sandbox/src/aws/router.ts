import express, { Request, Response, Router } from 'express';
import { randomUUID } from 'node:crypto';
import { SandboxContext } from '../context';
import { authorize, callerOf } from './identity';
import { awsAccount } from './model';
import { cloudWatchService } from './services/cloudwatch';
import { ec2Service } from './services/ec2';
import { ecsService } from './services/ecs';
import { lambdaService } from './services/lambda';
import { rdsService } from './services/rds';
import { ssmService } from './services/ssm';
import { stsService } from './services/sts';
import { AwsServiceDefinition } from './services/types';
import {
  AwsError,
  formParams,
  sendError,
  sendJson,
  sendXml,
  signedRegion,
} from './wire';

/** The one endpoint of every AWS service: the SDK's `endpoint` / `AWS_ENDPOINT_URL` is `<sandbox>/aws`. */
export const AWS_PREFIX = '/aws';

export const AWS_SERVICES: AwsServiceDefinition[] = [
  ec2Service,
  ecsService,
  lambdaService,
  rdsService,
  cloudWatchService,
  ssmService,
  stsService,
];

// The query protocols' names for the credential errors of the JSON ones.
const QUERY_CODES: Record<string, string> = {
  UnrecognizedClientException: 'InvalidClientTokenId',
  ExpiredTokenException: 'ExpiredToken',
};

/**
 * A stand-in for the AWS APIs mcp-aws calls, on their real wire protocols,
 * so that the unmodified AWS SDK v3 clients work against it. Query requests
 * are routed by their `Version` and `Action`, JSON ones by `X-Amz-Target`,
 * Lambda's REST ones by path. Signatures are not verified.
 */
export function createAwsRouter(ctx: SandboxContext): Router {
  const router = express.Router();
  router.use(AWS_PREFIX, express.text({ type: () => true, limit: '1mb' }));

  function run(
    service: AwsServiceDefinition,
    operation: string | undefined,
    input: unknown,
    req: Request,
    res: Response,
  ) {
    const { protocol } = service;
    try {
      const account = awsAccount(ctx.store);
      if (!account) {
        throw new AwsError(
          'OptInRequired',
          'The Pilothouse sandbox has no AWS account: its seed (catalog/sandbox.yaml) has no aws section',
          403,
        );
      }
      const op = operation ? service.operations[operation] : undefined;
      if (!op) {
        throw new AwsError(
          protocol === 'json' ? 'UnknownOperationException' : 'InvalidAction',
          `The Pilothouse sandbox does not serve ${service.name}:${
            operation ?? '(none)'
          }; it serves ${Object.keys(service.operations).join(', ')}`,
        );
      }
      const caller = callerOf(ctx.store, account, req);
      authorize(caller, op.action, service.deniedCode);
      const requestId = randomUUID();
      const result = op.handle(input, {
        store: ctx.store,
        account,
        region: signedRegion(req) ?? account.region,
        caller,
        requestId,
      });
      if (protocol === 'ec2' || protocol === 'query') {
        sendXml(
          res,
          protocol,
          service.xmlns ?? '',
          operation!,
          requestId,
          result,
        );
      } else {
        sendJson(res, protocol, service.contentType ?? '', requestId, result);
      }
    } catch (error) {
      let awsError =
        error instanceof AwsError
          ? error
          : new AwsError(
              'InternalFailure',
              `internal error in the Pilothouse sandbox: ${
                (error as Error)?.message ?? error
              }`,
              500,
            );
      if (protocol !== 'json' && protocol !== 'rest-json') {
        const code = QUERY_CODES[awsError.code];
        if (code) {
          awsError = new AwsError(code, awsError.message, awsError.status);
        }
      }
      sendError(res, protocol, awsError, service);
    }
  }

  router.get(`${AWS_PREFIX}/2015-03-31/functions`, (req, res) => {
    run(lambdaService, 'ListFunctions', req.query, req, res);
  });

  router.post(AWS_PREFIX, (req, res) => {
    const target = req.header('x-amz-target');
    if (target) {
      const [prefix, operation] = target.split('.');
      const service = AWS_SERVICES.find(
        s => s.protocol === 'json' && s.target === prefix,
      );
      if (!service) {
        sendError(
          res,
          'json',
          new AwsError(
            'UnknownOperationException',
            `The Pilothouse sandbox does not serve ${target}`,
          ),
          {},
        );
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(typeof req.body === 'string' && req.body ? req.body : '{}');
      } catch {
        sendError(
          res,
          'json',
          new AwsError('SerializationException', 'The body is not valid JSON'),
          service,
        );
        return;
      }
      run(service, operation, body, req, res);
      return;
    }
    const params = formParams(req.body);
    const service = AWS_SERVICES.find(
      s =>
        (s.protocol === 'query' || s.protocol === 'ec2') &&
        s.version === params.Version,
    );
    if (!service) {
      sendError(
        res,
        'query',
        new AwsError(
          'InvalidAction',
          `The Pilothouse sandbox does not serve ${params.Action ?? 'a request without Action'} for API version ${params.Version ?? '(none)'}`,
        ),
        {},
      );
      return;
    }
    run(service, params.Action, params, req, res);
  });

  router.all(`${AWS_PREFIX}/*`, (req, res) => {
    sendError(
      res,
      'rest-json',
      new AwsError(
        'UnknownOperationException',
        `The Pilothouse sandbox does not serve ${req.method} ${req.path}`,
        404,
      ),
      {},
    );
  });
  return router;
}
