import { Environment } from '@marcbachmann/cel-js';
import type { PolicyInput } from '@pilothouse/plugin-llm-gateway-common';

/*
 * The CEL environment rules are written in. Variables are declared with a
 * schema so that a misspelt field (`request.tool.destrutive`) is refused when
 * the policy is saved, not discovered when a request is denied.
 */
const environment = new Environment()
  .registerVariable({
    name: 'principal',
    schema: {
      ref: 'string',
      type: 'string',
      groups: 'list<string>',
    },
  })
  .registerVariable({
    name: 'request',
    schema: {
      kind: 'string',
      dataClass: 'string',
      model: 'string',
      provider: { id: 'string', type: 'string', local: 'bool' },
      tool: {
        server: 'string',
        name: 'string',
        readOnly: 'bool',
        destructive: 'bool',
        idempotent: 'bool',
        permissions: 'dyn',
      },
      arguments: 'map<string, dyn>',
      entity: {
        ref: 'string',
        kind: 'string',
        namespace: 'string',
        name: 'string',
        owner: 'string',
        system: 'string',
        lifecycle: 'string',
        dataClass: 'string',
        sloBurning: 'bool',
      },
      findings: 'list<string>',
    },
  });

/** A compiled `when:` expression: call it with a request, get its value. */
export type CelCondition = (input: PolicyInput) => unknown;

export type CelCompileResult =
  | { condition: CelCondition }
  | { error: string; offset?: number };

/** An error's first line: CEL errors go on with source highlighting that a log or a JSON answer does not need. */
export function errorSummary(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}

/** Parses and type-checks an expression once; the result evaluates per request. */
export function compileCondition(expression: string): CelCompileResult {
  let checked: ReturnType<Environment['check']>;
  try {
    checked = environment.check(expression);
  } catch (error) {
    return { error: errorSummary(error), offset: errorOffset(error) };
  }
  if (!checked.valid) {
    return {
      error: errorSummary(checked.error),
      offset: errorOffset(checked.error),
    };
  }
  if (checked.type !== 'bool' && checked.type !== 'dyn') {
    return {
      error: `the condition must be a boolean, but it is of type ${checked.type}`,
    };
  }
  const evaluate = environment.parse(expression);
  return {
    condition: input => evaluate(input as unknown as Record<string, unknown>),
  };
}

function errorOffset(error: unknown): number | undefined {
  const range = (error as { range?: { start?: number } } | undefined)?.range;
  return typeof range?.start === 'number' ? range.start : undefined;
}
