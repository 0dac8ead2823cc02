#!/usr/bin/env node
// Prints a Backstage token for a catalog user, obtained the way a person gets
// one: through the oauth2-proxy sign-in provider, by presenting the identity
// header that the proxy in front of the portal would set. It works only where
// the backend trusts that header (the laptop default, bound to loopback, or
// inside the trust boundary behind the proxy in production).
const { parseEntityRef } = require('@backstage/catalog-model');

async function main() {
  const ref = process.argv[2];
  if (!ref || ref === '--help' || ref === '-h') {
    process.stderr.write(
      'usage: yarn --silent user-token <userEntityRef>\n' +
        '  e.g. yarn --silent user-token user:default/alice  (or just: alice)\n' +
        '  PILOTHOUSE_BACKEND_URL picks the portal (default http://localhost:7007)\n',
    );
    process.exit(ref ? 0 : 2);
  }
  let entityRef;
  try {
    entityRef = parseEntityRef(ref, {
      defaultKind: 'user',
      defaultNamespace: 'default',
    });
  } catch (e) {
    fail(`"${ref}" is not an entity reference: ${e.message}`);
  }
  if (entityRef.kind.toLocaleLowerCase('en-US') !== 'user') {
    fail(`"${ref}" names a ${entityRef.kind}, not a User`);
  }
  if (entityRef.namespace !== 'default') {
    fail(
      `the sign-in resolver matches users in the default namespace only, not "${entityRef.namespace}"`,
    );
  }
  const base = (
    process.env.PILOTHOUSE_BACKEND_URL || 'http://localhost:7007'
  ).replace(/\/$/, '');
  let res;
  try {
    res = await fetch(`${base}/api/auth/oauth2Proxy/refresh`, {
      headers: {
        'x-forwarded-user': entityRef.name,
        'x-requested-with': 'XMLHttpRequest',
      },
    });
  } catch (e) {
    fail(
      `the portal is not reachable at ${base} (${
        e.cause?.code ?? e.message
      }); start it with ./scripts/start.sh`,
    );
  }
  const text = await res.text();
  if (!res.ok) {
    let message = text;
    try {
      message = JSON.parse(text).error.message;
    } catch {
      // not JSON: keep the body as it is
    }
    fail(`sign-in as ${entityRef.name} failed (${res.status}): ${message}`);
  }
  const token = JSON.parse(text)?.backstageIdentity?.token;
  if (!token) fail('the sign-in response carried no Backstage token');
  process.stdout.write(`${token}\n`);
}

function fail(message) {
  process.stderr.write(`user-token: ${message}\n`);
  process.exit(1);
}

main();
