import { Response } from 'express';

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'AlreadyExists',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  500: 'InternalError',
};

/** Answers with a `Status` object, the error shape Kubernetes clients parse. */
export function sendStatus(
  res: Response,
  code: number,
  message: string,
  details?: { name?: string; kind?: string; group?: string },
  reason = REASONS[code] ?? 'Unknown',
) {
  res.status(code).json({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  });
}

export function sendNotFound(
  res: Response,
  resource: { plural: string; group: string },
  name: string,
) {
  const qualified = resource.group
    ? `${resource.plural}.${resource.group}`
    : resource.plural;
  sendStatus(res, 404, `${qualified} "${name}" not found`, {
    name,
    kind: resource.plural,
    ...(resource.group ? { group: resource.group } : {}),
  });
}
