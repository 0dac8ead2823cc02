import { createPermission } from '@backstage/plugin-permission-common';

/** Search, histogram, live tail and saved searches over stored log events. */
export const logSearchEventsReadPermission = createPermission({
  name: 'log-search.events.read',
  attributes: { action: 'read' },
});

/**
 * Send log events as a signed-in user. Services (a static token from
 * `backend.auth.externalAccess`, or another backend plugin) ingest without it.
 */
export const logSearchEventsCreatePermission = createPermission({
  name: 'log-search.events.create',
  attributes: { action: 'create' },
});

export const logSearchPermissions = [
  logSearchEventsReadPermission,
  logSearchEventsCreatePermission,
];
