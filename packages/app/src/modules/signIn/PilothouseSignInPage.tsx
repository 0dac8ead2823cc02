import { ComponentType, useMemo } from 'react';
import {
  ProxiedSignInPage,
  SignInPage,
  WarningPanel,
} from '@backstage/core-components';
import type { SignInPageProps } from '@backstage/plugin-app-react';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import { Typography } from '@material-ui/core';

/** The auth provider of the trusted proxy (oauth2-proxy) in front of the portal. */
export const PROXY_PROVIDER = 'oauth2Proxy';

export const SIGN_IN_TITLE = 'Sign in to Pilothouse';

// The auth backend answers the proxy refresh with this when the request came
// without the proxy's identity header, i.e. there is simply no proxy in front
// of the portal. Any other failure deserves to be shown.
const NO_PROXY_IDENTITY = /did not contain a user/i;

/**
 * The most useful message of a failed proxy sign-in: for a failed response
 * (ResponseError) that is the server's own error, carried as the cause.
 */
export function proxyErrorMessage(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  if (
    typeof cause === 'object' &&
    cause !== null &&
    typeof (cause as { message?: unknown }).message === 'string'
  ) {
    return (cause as { message: string }).message;
  }
  return error.message;
}

/** True when the proxy sign-in failed for a reason other than "no proxy". */
export function isProxyProblem(error?: Error): boolean {
  return Boolean(error && !NO_PROXY_IDENTITY.test(proxyErrorMessage(error)));
}

function SignInTitle({ proxyError }: { proxyError?: Error }) {
  return (
    <div>
      <Typography variant="h4" component="h2">
        {SIGN_IN_TITLE}
      </Typography>
      <Typography variant="body1" color="textSecondary">
        The AI-native internal developer portal.
      </Typography>
      {proxyError && (
        <WarningPanel
          severity="warning"
          defaultExpanded
          title="Single sign-on through the proxy failed"
          message={proxyErrorMessage(proxyError)}
        />
      )}
    </div>
  );
}

/**
 * Pilothouse sign-in: first ask the trusted proxy (oauth2-proxy) who the user
 * is, silently. With a proxy in front of the portal the user is signed in as
 * the matching catalog User without a click. Without one, fall back to the
 * normal sign-in page with the guest provider ("Enter").
 */
export function PilothouseSignInPage(props: SignInPageProps) {
  const { onSignInSuccess } = props;
  // Production turns the guest off (pilothouse.signIn.guest: false): then the
  // proxy is the only way in, and a failed proxy sign-in is all there is to show.
  const guestAllowed =
    useApi(configApiRef).getOptionalBoolean('pilothouse.signIn.guest') ?? true;

  // Stable component identity, so the fallback page is not remounted (and
  // its sign-in state lost) when this page re-renders.
  const Fallback = useMemo<ComponentType<{ error?: Error }>>(
    () =>
      ({ error }) =>
        guestAllowed ? (
          <SignInPage
            onSignInSuccess={onSignInSuccess}
            providers={['guest']}
            title={SIGN_IN_TITLE}
            titleComponent={
              <SignInTitle
                proxyError={isProxyProblem(error) ? error : undefined}
              />
            }
          />
        ) : (
          <SignInPage
            onSignInSuccess={onSignInSuccess}
            providers={[]}
            title={SIGN_IN_TITLE}
            titleComponent={
              <SignInTitle
                proxyError={
                  error ??
                  new Error(
                    "Pilothouse signs you in through your organisation's single sign-on proxy, which did not identify you.",
                  )
                }
              />
            }
          />
        ),
    [onSignInSuccess, guestAllowed],
  );

  return (
    <ProxiedSignInPage
      onSignInSuccess={onSignInSuccess}
      provider={PROXY_PROVIDER}
      ErrorComponent={Fallback}
    />
  );
}
