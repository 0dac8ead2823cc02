import { createHash } from 'node:crypto';
import { Router } from 'express';
import { SandboxContext } from '../context';
import { behaviourOf } from '../controller/pods';
import { sendStatus } from '../status';
import { KubeObject } from '../store';
import { findOr404, objectPath } from './collections';
import { typeOfKind } from './registry';

const podType = typeOfKind('Pod');
const LINE_INTERVAL_MS = 5000;
const MAX_GENERATED_LINES = 2000;

const PATHS = [
  '/healthz',
  '/readyz',
  '/api/v1/items',
  '/api/v1/orders',
  '/metrics',
];

/**
 * Synthesises a container's log: one line every five seconds since the pod
 * started, the same lines on every read, and a crash at the end for a
 * container stuck in CrashLoopBackOff.
 */
function generateLog(
  pod: KubeObject,
  container: string,
  previous: boolean,
  now: Date,
): string[] {
  const started = new Date(pod.metadata.creationTimestamp!).getTime();
  const count = Math.min(
    MAX_GENERATED_LINES,
    Math.max(3, Math.floor((now.getTime() - started) / LINE_INTERVAL_MS) + 3),
  );
  const app = pod.metadata.labels?.['app.kubernetes.io/name'] ?? container;
  const lines = [
    `${new Date(
      started,
    ).toISOString()} INFO  [${app}] starting ${container} (image ${
      pod.spec.containers?.find((c: { name: string }) => c.name === container)
        ?.image
    })`,
    `${new Date(
      started + 200,
    ).toISOString()} INFO  [${app}] listening on :8080`,
  ];
  const crashing = behaviourOf(pod) === 'CrashLoopBackOff';
  const body = crashing ? 3 : count - 2;
  for (let i = 0; i < body; i++) {
    const digest = createHash('sha1')
      .update(`${pod.metadata.name}/${i}`)
      .digest();
    const path = PATHS[digest[0] % PATHS.length];
    const status = digest[1] % 50 === 0 ? 503 : 200;
    const level = status === 200 ? 'INFO ' : 'WARN ';
    lines.push(
      `${new Date(
        started + 1000 + i * LINE_INTERVAL_MS,
      ).toISOString()} ${level} [${app}] GET ${path} ${status} ${
        digest[2] % 90
      }ms`,
    );
  }
  if (crashing) {
    const at = new Date(started + 1000 + body * LINE_INTERVAL_MS).toISOString();
    lines.push(
      `${at} ERROR [${app}] failed to connect to message broker amqp://rabbitmq.platform:5672: connection refused`,
      `${at} ERROR [${app}] giving up after 3 attempts; exiting with status 1`,
    );
    if (!previous) {
      // The current attempt has only just started when the back-off ends.
      return lines.slice(0, 2);
    }
  }
  return lines;
}

/** GET .../pods/:name/log with container, tailLines, limitBytes, previous and timestamps. */
export function createPodLogsRouter(ctx: SandboxContext): Router {
  const router = Router();
  router.get(`${objectPath(podType)}/log`, (req, res) => {
    const pod = findOr404(ctx, podType, req, res);
    if (!pod) return;
    const containers: string[] = (pod.spec.containers ?? []).map(
      (c: { name: string }) => c.name,
    );
    const container = (req.query.container as string) || containers[0];
    if (!req.query.container && containers.length > 1) {
      sendStatus(
        res,
        400,
        `a container name must be specified for pod ${
          pod.metadata.name
        }, choose one of: [${containers.join(' ')}]`,
      );
      return;
    }
    if (!containers.includes(container)) {
      sendStatus(
        res,
        400,
        `container ${container} is not valid for pod ${pod.metadata.name}`,
      );
      return;
    }
    if (pod.status?.phase === 'Pending') {
      sendStatus(
        res,
        400,
        `container "${container}" in pod "${pod.metadata.name}" is waiting to start: pod has not been scheduled`,
      );
      return;
    }
    const previous = req.query.previous === 'true';
    if (previous && behaviourOf(pod) !== 'CrashLoopBackOff') {
      sendStatus(
        res,
        400,
        `previous terminated container "${container}" in pod "${pod.metadata.name}" not found`,
      );
      return;
    }
    let lines = generateLog(pod, container, previous, new Date());
    if (req.query.timestamps !== 'true') {
      lines = lines.map(line => line.slice(line.indexOf(' ') + 1));
    }
    const tail = Number(req.query.tailLines);
    if (req.query.tailLines !== undefined) {
      if (!Number.isInteger(tail) || tail < 0) {
        sendStatus(res, 400, 'tailLines must be a non-negative integer');
        return;
      }
      lines = tail === 0 ? [] : lines.slice(-tail);
    }
    let text = lines.map(line => `${line}\n`).join('');
    const limitBytes = Number(req.query.limitBytes);
    if (Number.isInteger(limitBytes) && limitBytes > 0) {
      text = Buffer.from(text).subarray(0, limitBytes).toString();
    }
    res.type('text/plain').send(text);
  });
  return router;
}
