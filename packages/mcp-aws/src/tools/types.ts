import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { RDSClient } from '@aws-sdk/client-rds';
import { SSMClient } from '@aws-sdk/client-ssm';
import {
  CallToolResult,
  ToolAnnotations,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

export const PERMISSIONS_META_KEY = 'pilothouse.dev/permissions';

/** The SDK client class for each AWS service a tool may call. */
export const SERVICE_CLIENTS = {
  ec2: EC2Client,
  ecs: ECSClient,
  lambda: LambdaClient,
  rds: RDSClient,
  cloudwatch: CloudWatchClient,
  ssm: SSMClient,
};
export type AwsService = keyof typeof SERVICE_CLIENTS;
export type ServiceClient<S extends AwsService> = InstanceType<
  (typeof SERVICE_CLIENTS)[S]
>;

/** What a tool handler gets besides its arguments: one call's AWS access. */
export interface ToolContext {
  /** The region this call acts in (its `region` argument or the default). */
  region: string;
  /**
   * Runs fn with a client for the service, signed with the credentials of the
   * role this tool assumes, under that service's retry and breaker policy.
   */
  send<S extends AwsService, T>(
    service: S,
    fn: (client: ServiceClient<S>) => Promise<T>,
  ): Promise<T>;
  /** Catalog file with the components triage_incident maps alarms to. */
  catalogPath: string;
}

/** One MCP tool: its contract (schema, annotations, IAM actions) and its handler. */
export interface ToolDefinition<Shape extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  inputSchema: Shape;
  annotations: ToolAnnotations & {
    readOnlyHint: boolean;
    destructiveHint: boolean;
    idempotentHint: boolean;
  };
  /** IAM actions the tool's role needs, e.g. ['ec2:DescribeInstances']. */
  permissions: string[];
  handler(
    args: z.infer<z.ZodObject<Shape>>,
    ctx: ToolContext,
  ): Promise<CallToolResult>;
}

/** Keeps the argument type of each tool's handler tied to its schema. */
export function defineTool<Shape extends z.ZodRawShape>(
  tool: ToolDefinition<Shape>,
): ToolDefinition<Shape> {
  return tool;
}

export const region = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as "eu-west-1"')
  .optional()
  .describe("AWS region; default: the server's --region");

/** ECS cluster and service names, Lambda and RDS identifiers, SSM documents. */
export const awsName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\w.:/-]+$/, 'must be an AWS name such as "payments-api"');

/** A result with both a human-readable text and structured content. */
export function result(
  text: string,
  structuredContent: Record<string, unknown>,
): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent };
}
