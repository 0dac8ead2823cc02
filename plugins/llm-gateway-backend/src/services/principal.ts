import type {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { Principal } from '@pilothouse/plugin-llm-gateway-common';

/**
 * Who is asking, from the verified credentials: never from the request body.
 * Users carry their ownership refs (themselves and their groups).
 */
export async function resolvePrincipal(
  credentials: BackstageCredentials,
  userInfo: UserInfoService,
): Promise<Principal> {
  const principal = credentials.principal as
    | { type: 'user'; userEntityRef: string }
    | { type: 'service'; subject: string }
    | { type: 'none' };
  if (principal.type === 'user') {
    const info = await userInfo.getUserInfo(credentials);
    return {
      ref: principal.userEntityRef,
      type: 'user',
      groups: info.ownershipEntityRefs,
    };
  }
  if (principal.type === 'service') {
    return { ref: principal.subject, type: 'service', groups: [] };
  }
  throw new Error('resolvePrincipal needs user or service credentials');
}
