import { Request, Response } from 'express';
import { XMLBuilder } from 'fast-xml-parser';
import { randomUUID } from 'node:crypto';

/**
 * The four AWS wire protocols the services mcp-aws calls speak, as the AWS SDK
 * v3 sends them to one endpoint:
 * - `ec2`: form-encoded `Action` + `Version`, XML answers in EC2's own shape;
 * - `query` (RDS, STS): the same requests, XML answers with a `…Result` element;
 * - `json` (ECS, SSM, CloudWatch): `X-Amz-Target: Service.Operation`, JSON;
 * - `rest-json` (Lambda): the operation is in the method and path, JSON.
 */
export type AwsProtocol = 'ec2' | 'query' | 'json' | 'rest-json';

/** A failure answered in the caller's protocol, as AWS would. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** What is known about the caller from the request's signature headers. */
export interface AwsCall {
  /** The region from the SigV4 credential scope (the SDK's `region`). */
  region: string;
  requestId: string;
}

/** The region named in a SigV4 `Authorization` header's credential scope. */
export function signedRegion(req: Request): string | undefined {
  const auth = req.header('authorization') ?? '';
  // Credential=AKID/20260101/eu-west-1/ecs/aws4_request
  return /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\//.exec(auth)?.[1];
}

/** Form parameters of a query-protocol request, flat as sent (`Filter.1.Name`). */
export function formParams(body: unknown): Record<string, string> {
  return Object.fromEntries(
    new URLSearchParams(typeof body === 'string' ? body : ''),
  );
}

/**
 * The prefixes of a serialised list: for `Filter.1.Name`, `Filter.2.Name`
 * the prefix `Filter` gives `['Filter.1', 'Filter.2']`.
 */
export function listPrefixes(
  params: Record<string, string>,
  prefix: string,
): string[] {
  const result: string[] = [];
  for (let i = 1; ; i++) {
    const item = `${prefix}.${i}`;
    if (
      !Object.keys(params).some(k => k === item || k.startsWith(`${item}.`))
    ) {
      return result;
    }
    result.push(item);
  }
}

/** The values of a serialised list of strings (`InstanceId.1`, `InstanceId.2`). */
export function listValues(
  params: Record<string, string>,
  prefix: string,
): string[] {
  return listPrefixes(params, prefix).map(p => params[p]);
}

/** Pages through items with an opaque token, as the List and Describe calls do. */
export function page<T>(
  items: T[],
  max: number,
  token: string | undefined,
  invalidTokenCode: string,
): { items: T[]; next?: string } {
  let start = 0;
  if (token) {
    start = Number(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0 || start > items.length) {
      throw new AwsError(invalidTokenCode, 'The pagination token is invalid.');
    }
  }
  const end = start + max;
  return {
    items: items.slice(start, end),
    next:
      end < items.length
        ? Buffer.from(String(end), 'utf8').toString('base64url')
        : undefined,
  };
}

const xml = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: false,
});

const EC2_XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

/** Answers a query-protocol call: EC2's bare shape, or `…Response/…Result`. */
export function sendXml(
  res: Response,
  protocol: 'ec2' | 'query',
  xmlns: string,
  action: string,
  requestId: string,
  result: Record<string, unknown>,
) {
  const body =
    protocol === 'ec2'
      ? {
          [`${action}Response`]: {
            '@_xmlns': EC2_XMLNS,
            requestId,
            ...result,
          },
        }
      : {
          [`${action}Response`]: {
            '@_xmlns': xmlns,
            [`${action}Result`]: result,
            ResponseMetadata: { RequestId: requestId },
          },
        };
  res
    .status(200)
    .set('x-amzn-RequestId', requestId)
    .type('text/xml')
    .send(`<?xml version="1.0" encoding="UTF-8"?>\n${xml.build(body)}`);
}

/** Answers a JSON-protocol call. */
export function sendJson(
  res: Response,
  protocol: 'json' | 'rest-json',
  contentType: string,
  requestId: string,
  result: unknown,
) {
  res
    .status(200)
    .set('x-amzn-RequestId', requestId)
    .type(protocol === 'json' ? contentType : 'application/json')
    .send(JSON.stringify(result));
}

/** Answers an error in the protocol the caller used, so its SDK raises `code`. */
export function sendError(
  res: Response,
  protocol: AwsProtocol,
  error: AwsError,
  options: { xmlns?: string; contentType?: string; queryCompatible?: boolean },
) {
  const requestId = randomUUID();
  res.status(error.status).set('x-amzn-RequestId', requestId);
  const fault = error.status >= 500 ? 'Receiver' : 'Sender';
  if (protocol === 'ec2') {
    res.type('text/xml').send(
      xml.build({
        Response: {
          Errors: { Error: { Code: error.code, Message: error.message } },
          RequestID: requestId,
        },
      }),
    );
  } else if (protocol === 'query') {
    res.type('text/xml').send(
      xml.build({
        ErrorResponse: {
          ...(options.xmlns ? { '@_xmlns': options.xmlns } : {}),
          Error: { Type: fault, Code: error.code, Message: error.message },
          RequestId: requestId,
        },
      }),
    );
  } else {
    res.set('x-amzn-ErrorType', error.code);
    if (options.queryCompatible) {
      // Services that moved from the query protocol also send the old code.
      res.set('x-amzn-query-error', `${error.code};${fault}`);
    }
    res
      .type(
        protocol === 'json'
          ? options.contentType ?? 'application/x-amz-json-1.1'
          : 'application/json',
      )
      .send(JSON.stringify({ __type: error.code, message: error.message }));
  }
}
