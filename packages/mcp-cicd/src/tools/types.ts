import {
  CallToolResult,
  ToolAnnotations,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { CicdClients } from '../clients';
import { ProjectScope } from '../scope';

export const PERMISSIONS_META_KEY = 'pilothouse.dev/permissions';

/**
 * A real-world permission a tool needs, shown to the gateway and agent
 * catalog: an Argo CD RBAC policy (resource, action, `<project>/<app>`), a
 * GitHub token permission, or a Kubernetes RBAC rule (Argo Rollouts objects
 * are Kubernetes resources).
 */
export type Permission =
  | {
      system: 'argocd';
      resource: 'applications';
      action: 'get' | 'sync' | 'action';
      object: string;
      /** The same rule as an Argo CD RBAC policy line. */
      policy: string;
    }
  | {
      system: 'github';
      /** Fine-grained token permission, e.g. `actions:write`. */
      permission: string;
    }
  | {
      system: 'kubernetes';
      apiGroups: string[];
      resources: string[];
      verbs: string[];
    };

export function argocdPermission(
  action: 'get' | 'sync' | 'action',
): Permission {
  const object = '<project>/<app>';
  return {
    system: 'argocd',
    resource: 'applications',
    action,
    object,
    policy: `p, <role>, applications, ${action}, ${object}, allow`,
  };
}

/** What a tool handler gets besides its arguments. */
export interface ToolContext {
  clients: CicdClients;
  scope: ProjectScope;
  /** Per-call deadline, in ms. */
  timeoutMs: number;
}

/** One MCP tool: its contract (schema, annotations, permissions) and its handler. */
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
  permissions: Permission[];
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

/** Argo CD application names are Kubernetes object names. */
export const applicationName = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
    'must be a lowercase Argo CD application name such as "payments"',
  );

/** A GitHub repository as `owner/name`, as in the `github.com/project-slug` annotation. */
export const repository = z
  .string()
  .regex(
    /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/,
    'must be "owner/name", e.g. "pilothouse-demo/payments"',
  );

/** A result with both a human-readable text and structured content. */
export function result(
  text: string,
  structuredContent: Record<string, unknown>,
): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent };
}
