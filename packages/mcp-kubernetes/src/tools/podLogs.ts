import { z } from 'zod';
import { defineTool, kubernetesName, result } from './types';

export const MAX_TAIL_LINES = 500;
export const MAX_LOG_BYTES = 256 * 1024;

export const podLogs = defineTool({
  name: 'pod_logs',
  title: 'Pod logs',
  description: `Return the last lines of a pod container's log (at most ${MAX_TAIL_LINES} lines and
${MAX_LOG_BYTES / 1024} KiB; longer output is cut at the start).

Set previous=true to read the log of the last terminated container, which is
where a crash-looping container's error is. Get pod names from get_workload.

Example: { "namespace": "platform", "pod": "notifications-5d9f8c7b6d-x2k4q", "tailLines": 50, "previous": true }`,
  inputSchema: {
    namespace: kubernetesName.describe('Namespace of the pod'),
    pod: kubernetesName.describe('Pod name'),
    container: kubernetesName
      .optional()
      .describe('Container name; needed only when the pod has several'),
    tailLines: z
      .number()
      .int()
      .min(1)
      .max(MAX_TAIL_LINES)
      .default(100)
      .describe(`Lines from the end (1-${MAX_TAIL_LINES}, default 100)`),
    previous: z
      .boolean()
      .default(false)
      .describe('Read the previous (crashed) container instance'),
  },
  annotations: {
    title: 'Pod logs',
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  permissions: [
    { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get'] },
  ],
  async handler(
    { namespace, pod, container, tailLines, previous },
    { clients },
  ) {
    const raw = await clients.core.readNamespacedPodLog({
      name: pod,
      namespace,
      container,
      tailLines,
      previous,
      limitBytes: MAX_LOG_BYTES,
    });
    let log = String(raw ?? '');
    let truncated = false;
    const lines = log.split('\n');
    if (lines.length > (tailLines ?? 100) + 1) {
      log = lines.slice(-((tailLines ?? 100) + 1)).join('\n');
      truncated = true;
    }
    if (Buffer.byteLength(log) > MAX_LOG_BYTES) {
      log = Buffer.from(log).subarray(-MAX_LOG_BYTES).toString();
      truncated = true;
    }
    const lineCount = log ? log.replace(/\n$/, '').split('\n').length : 0;
    return result(log || '(the log is empty)', {
      namespace,
      pod,
      ...(container ? { container } : {}),
      previous: previous ?? false,
      lines: lineCount,
      truncated,
    });
  },
});
