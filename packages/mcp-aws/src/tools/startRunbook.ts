import { StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { z } from 'zod';
import { awsName, defineTool, region, result } from './types';

export const startRunbook = defineTool({
  name: 'start_runbook',
  title: 'Start an SSM Automation runbook',
  description: `Start an SSM Automation runbook with parameters. DESTRUCTIVE: runbooks
change infrastructure (restart tasks, fail over databases, …) and are not
undone automatically.

Returns the automation execution id; an operator can stop a running execution
with ssm:StopAutomationExecution. Find runbook names with list_runbooks.

Example: { "documentName": "Payments-RestartTasks", "parameters": { "Cluster": ["payments"] } } →
"Started Payments-RestartTasks: execution 4f1c…"`,
  inputSchema: {
    region,
    documentName: awsName.describe('SSM Automation document name or ARN'),
    documentVersion: z
      .string()
      .regex(/^(\$DEFAULT|\$LATEST|\d+)$/)
      .optional()
      .describe('Version, $DEFAULT (default) or $LATEST'),
    parameters: z
      .record(z.string().min(1).max(50), z.array(z.string().max(4096)).max(20))
      .default({})
      .describe('Runbook parameters, each a list of strings'),
  },
  annotations: {
    title: 'Start an SSM Automation runbook',
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: false,
    openWorldHint: true,
  },
  permissions: ['ssm:StartAutomationExecution'],
  async handler({ documentName, documentVersion, parameters }, ctx) {
    const out = await ctx.send('ssm', c =>
      c.send(
        new StartAutomationExecutionCommand({
          DocumentName: documentName,
          DocumentVersion: documentVersion,
          Parameters: parameters,
        }),
      ),
    );
    return result(
      `Started ${documentName} in ${ctx.region}: execution ${out.AutomationExecutionId}. It is not undone automatically; stop it with ssm:StopAutomationExecution if needed.`,
      {
        region: ctx.region,
        documentName,
        executionId: out.AutomationExecutionId,
      },
    );
  },
});
