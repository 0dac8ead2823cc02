import {
  CallToolResult,
  ToolAnnotations,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { KubernetesClients } from '../kube';
import { NamespaceScope } from '../scope';

/** A Kubernetes RBAC rule a tool needs, shown to the gateway and agent catalog. */
export interface RbacRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export const PERMISSIONS_META_KEY = 'pilothouse.dev/permissions';

/** What a tool handler gets besides its arguments. */
export interface ToolContext {
  clients: KubernetesClients;
  scope: NamespaceScope;
  /** Per-call deadline for Kubernetes requests, in ms. */
  timeoutMs: number;
}

/** One MCP tool: its contract (schema, annotations, RBAC) and its handler. */
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
  permissions: RbacRule[];
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

/** Names and namespaces are RFC 1123 labels / subdomains. */
export const kubernetesName = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
    'must be a lowercase Kubernetes name such as "payments"',
  );

/** A result with both a human-readable text and structured content. */
export function result(
  text: string,
  structuredContent: Record<string, unknown>,
): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent };
}
