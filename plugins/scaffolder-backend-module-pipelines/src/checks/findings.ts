import { InputError } from '@backstage/errors';

/** One problem found in a generated file, with where it is. */
export interface Finding {
  /** Path relative to the workspace, as the user sees it in the generated repository. */
  file: string;
  line: number;
  column: number;
  /** Which check found it: `workflow-parser`, `actionlint`, `sha-pin`, `permissions`, `kubernetes-schema`. */
  check: string;
  message: string;
}

export function formatFinding(f: Finding): string {
  return `${f.file}:${f.line}:${f.column}: ${f.message} [${f.check}]`;
}

/**
 * Stops the scaffolder run when anything was found: the step fails with each
 * offending file and line, so the log says what to fix.
 */
export function throwOnFindings(what: string, findings: Finding[]): void {
  if (findings.length === 0) {
    return;
  }
  const lines = findings.map(f => `  ${formatFinding(f)}`).join('\n');
  throw new InputError(
    `${what} failed with ${findings.length} problem${
      findings.length === 1 ? '' : 's'
    }:\n${lines}`,
  );
}
