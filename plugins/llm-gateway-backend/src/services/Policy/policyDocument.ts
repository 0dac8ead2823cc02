import type {
  ApprovalMode,
  Decision,
  PolicyInput,
  PolicyValidationError,
} from '@pilothouse/plugin-llm-gateway-common';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { errorSummary, compileCondition, type CelCondition } from './cel';

export const POLICY_API_VERSION = 'pilothouse.dev/v1alpha1';
export const POLICY_KIND = 'GatewayPolicy';
/** Documents without `spec.priority` sort here; lower goes first. */
export const DEFAULT_POLICY_PRIORITY = 100;

/** A policy's name: its file name without `.yaml`, and its `metadata.name`. */
export const POLICY_NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

const ruleSchema = z
  .object({
    name: z
      .string()
      .regex(
        POLICY_NAME_PATTERN,
        'a rule name is lower-case letters, digits and dashes',
      ),
    description: z.string().optional(),
    when: z.string().min(1, 'a rule needs a CEL condition'),
    decision: z.enum(['allow', 'deny', 'ask']),
    approval: z.enum(['confirm', 'approval']).optional(),
    /** Shown to the person the decision concerns; the description otherwise. */
    reason: z.string().optional(),
  })
  .strict()
  .refine(rule => rule.decision === 'ask' || rule.approval === undefined, {
    message: 'approval applies only to rules whose decision is ask',
    path: ['approval'],
  });

const documentSchema = z
  .object({
    apiVersion: z.literal(POLICY_API_VERSION),
    kind: z.literal(POLICY_KIND),
    metadata: z
      .object({
        name: z.string(),
        description: z.string().optional(),
      })
      .strict(),
    spec: z
      .object({
        priority: z
          .number()
          .int()
          .min(0)
          .max(1000)
          .default(DEFAULT_POLICY_PRIORITY),
        rules: z.array(ruleSchema),
      })
      .strict(),
  })
  .strict();

export interface CompiledRule {
  policy: string;
  name: string;
  decision: Decision;
  approval?: ApprovalMode;
  reason: string;
  when: string;
  condition: CelCondition;
}

/** A policy document ready to evaluate. */
export interface CompiledPolicy {
  name: string;
  priority: number;
  rules: CompiledRule[];
}

export type CompileResult =
  | { policy: CompiledPolicy; errors: [] }
  | { policy?: undefined; errors: PolicyValidationError[] };

/**
 * Parses, validates and compiles one policy document. Every error carries the
 * 1-based line in the YAML text and the dotted path of the field.
 */
export function compilePolicy(name: string, source: string): CompileResult {
  const errors: PolicyValidationError[] = [];
  if (!POLICY_NAME_PATTERN.test(name)) {
    return {
      errors: [
        {
          message: `"${name}" is not a valid policy name: use lower-case letters, digits and dashes (at most 63)`,
        },
      ],
    };
  }

  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      errors: doc.errors.map(e => ({
        message: e.message.split('\n')[0],
        line: lineCounter.linePos(e.pos[0]).line,
      })),
    };
  }
  const lineOf = (path: Array<string | number>): number | undefined => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node =
        depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) {
        return lineCounter.linePos(node.range[0]).line;
      }
    }
    return undefined;
  };
  const at = (path: Array<string | number>, message: string) => {
    errors.push({
      message,
      line: lineOf(path),
      path: path.length > 0 ? path.join('.') : undefined,
    });
  };

  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    return { errors: [{ message: errorSummary(error) }] };
  }
  const parsed = documentSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path =
        issue.code === 'unrecognized_keys'
          ? [...issue.path, issue.keys[0]]
          : issue.path;
      at(path, issue.message);
    }
    return { errors };
  }
  const { metadata, spec } = parsed.data;
  if (metadata.name !== name) {
    at(
      ['metadata', 'name'],
      `metadata.name is "${metadata.name}" but the policy is called "${name}"; they must match`,
    );
  }

  const seen = new Set<string>();
  const rules: CompiledRule[] = [];
  spec.rules.forEach((rule, index) => {
    if (seen.has(rule.name)) {
      at(
        ['spec', 'rules', index, 'name'],
        `rule name "${rule.name}" is used twice`,
      );
    }
    seen.add(rule.name);
    const compiled = compileCondition(rule.when);
    if ('error' in compiled) {
      at(['spec', 'rules', index, 'when'], `CEL: ${compiled.error}`);
      return;
    }
    const problem = tryOnSampleRequests(compiled.condition);
    if (problem) {
      at(['spec', 'rules', index, 'when'], problem);
      return;
    }
    rules.push({
      policy: name,
      name: rule.name,
      decision: rule.decision,
      // An `ask` without a mode needs the stricter of the two: a second person.
      approval:
        rule.decision === 'ask' ? rule.approval ?? 'approval' : undefined,
      reason:
        rule.reason ??
        rule.description ??
        `rule ${rule.name} of policy ${name}`,
      when: rule.when,
      condition: compiled.condition,
    });
  });

  if (errors.length > 0) {
    return { errors };
  }
  return {
    policy: { name, priority: spec.priority, rules },
    errors: [],
  };
}

/** Formats errors for a log line or an error message: `line 7 (spec.rules.0.when): …`. */
export function formatValidationErrors(
  errors: PolicyValidationError[],
): string {
  return errors
    .map(e => {
      const where = [
        e.line !== undefined ? `line ${e.line}` : undefined,
        e.path ? `(${e.path})` : undefined,
      ]
        .filter(Boolean)
        .join(' ');
      return where ? `${where}: ${e.message}` : e.message;
    })
    .join('; ');
}

/*
 * Requests of every kind, with and without the optional parts. A condition
 * that fails on one of these would deny every such request (evaluation errors
 * fail closed), which is almost always a missing `has(...)` guard: say so at
 * save time instead.
 */
const user = {
  ref: 'user:default/sample',
  type: 'user' as const,
  groups: ['user:default/sample', 'group:default/sample-team'],
};
const entity = {
  ref: 'component:default/sample',
  kind: 'Component',
  namespace: 'default',
  name: 'sample',
  owner: 'group:default/sample-team',
  system: 'system:default/sample',
  lifecycle: 'production',
  dataClass: 'internal' as const,
};
const tool = {
  server: 'sample',
  name: 'sample_tool',
  readOnly: false,
  destructive: true,
  idempotent: false,
};
const SAMPLE_REQUESTS: Array<{ what: string; input: PolicyInput }> = [
  {
    what: 'a model request without an entity',
    input: {
      principal: user,
      request: {
        kind: 'model',
        dataClass: 'internal',
        model: 'sample-model',
        provider: { id: 'sample', type: 'anthropic', local: false },
        findings: [],
      },
    },
  },
  {
    what: 'a model request before a provider is chosen',
    input: {
      principal: user,
      request: { kind: 'model', dataClass: 'internal', findings: [] },
    },
  },
  {
    what: 'a model request about an entity',
    input: {
      principal: user,
      request: {
        kind: 'model',
        dataClass: 'confidential',
        model: 'sample-model',
        provider: { id: 'sample', type: 'local', local: true },
        entity,
        findings: ['EMAIL'],
      },
    },
  },
  {
    what: 'a tool listed before its arguments are known',
    input: {
      principal: user,
      request: { kind: 'tool', dataClass: 'internal', tool, findings: [] },
    },
  },
  {
    what: 'a tool call about an entity',
    input: {
      principal: user,
      request: {
        kind: 'tool',
        dataClass: 'internal',
        tool: { ...tool, readOnly: true, destructive: false },
        arguments: {},
        entity,
        findings: [],
      },
    },
  },
  {
    what: 'an inspection',
    input: {
      principal: { ref: 'sample-service', type: 'service', groups: [] },
      request: { kind: 'inspect', dataClass: 'public', findings: [] },
    },
  },
];

function tryOnSampleRequests(condition: CelCondition): string | undefined {
  for (const sample of SAMPLE_REQUESTS) {
    let value: unknown;
    try {
      value = condition(sample.input);
    } catch (error) {
      return `the condition fails on ${sample.what} (${errorSummary(
        error,
      )}); guard optional fields with has(), e.g. has(request.entity) && request.entity.lifecycle == "production"`;
    }
    if (typeof value !== 'boolean') {
      return `the condition gives ${String(value)} (${typeof value}) on ${
        sample.what
      }; it must give true or false`;
    }
  }
  return undefined;
}
