import { type ReactNode, useEffect } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import type { AuditVerification } from '@pilothouse/plugin-llm-gateway-common';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { llmGatewayApiRef } from '../../api';
import { describeError } from '../../describeError';
import { useGatewayAccess } from '../GatewayAccess';

/**
 * Whether the audit log's hash chain is intact: checked when the page opens
 * and again on request by those with the audit permission (which verifying
 * needs); the others see the last verification.
 */
export function AuditChainBanner() {
  const { canReadAllAudit } = useGatewayAccess();
  return canReadAllAudit ? <VerifyBanner /> : <LastVerificationBanner />;
}

function LastVerificationBanner() {
  const api = useApi(llmGatewayApiRef);
  const last = useAsync(() => api.lastAuditVerification(), [api]);
  if (last.error) {
    return (
      <Alert severity="warning">
        Could not read the audit chain status: {describeError(last.error)}
      </Alert>
    );
  }
  if (last.loading) {
    return <Alert severity="info">Reading the audit chain status…</Alert>;
  }
  if (!last.value) {
    return (
      <Alert severity="info">The audit chain has not been verified yet.</Alert>
    );
  }
  return <VerificationResult result={last.value} />;
}

function VerifyBanner() {
  const api = useApi(llmGatewayApiRef);
  const [verification, verify] = useAsyncFn(() => api.verifyAudit(), [api]);
  useEffect(() => {
    verify();
  }, [verify]);

  const action = (
    <Button
      color="inherit"
      size="small"
      onClick={() => verify()}
      disabled={verification.loading}
    >
      {verification.loading ? 'Verifying…' : 'Verify now'}
    </Button>
  );
  const result = verification.value;

  if (verification.error) {
    return (
      <Alert severity="warning" action={action}>
        Could not verify the audit chain: {describeError(verification.error)}
      </Alert>
    );
  }
  if (!result) {
    return (
      <Alert severity="info" action={action}>
        Verifying the audit chain…
      </Alert>
    );
  }
  return <VerificationResult result={result} action={action} />;
}

function VerificationResult(props: {
  result: AuditVerification;
  action?: ReactNode;
}) {
  const { result, action } = props;
  const checkedAt = `Checked ${new Date(result.verifiedAt).toLocaleString()}.`;
  if (result.ok) {
    return (
      <Alert severity="success" action={action}>
        <AlertTitle>Chain verified: {result.checked} records</AlertTitle>
        Every record's hash matches its content and links to the one before.{' '}
        {checkedAt}
      </Alert>
    );
  }
  return (
    <Alert severity="error" variant="filled" action={action}>
      <AlertTitle>
        {result.brokenAt
          ? `Tampering detected at record #${result.brokenAt.seq}: ${result.brokenAt.reason}`
          : 'Tampering detected: the chain does not verify'}
      </AlertTitle>
      A record's hash or its link to the record before does not match what was
      written; {result.checked} records were checked. {checkedAt}
    </Alert>
  );
}
