import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { AuditRecord } from '@pilothouse/plugin-llm-gateway-common';
import {
  fakeGatewayApi,
  renderGatewayTab,
} from '../../__testUtils__/renderGatewayTab';
import { AuditTab } from './AuditTab';

function record(seq: number, change: Partial<AuditRecord> = {}): AuditRecord {
  return {
    id: `r${seq}`,
    seq,
    time: '2026-11-25T10:00:00Z',
    actor: 'user:default/alice',
    kind: 'model',
    target: 'claude-sonnet',
    decision: 'allow',
    findings: {},
    prevHash: `h${seq - 1}`,
    hash: `h${seq}`,
    ...change,
  };
}

describe('AuditTab', () => {
  it('warns in red when the chain is broken, and verifies again on request', async () => {
    const api = fakeGatewayApi({
      queryAudit: async () => ({ records: [record(58)] }),
      verifyAudit: jest
        .fn()
        .mockResolvedValueOnce({
          ok: false,
          checked: 120,
          brokenAt: { seq: 57, reason: 'hash does not match the content' },
          verifiedAt: '2026-11-25T10:05:00Z',
        })
        .mockResolvedValueOnce({
          ok: true,
          checked: 121,
          verifiedAt: '2026-11-25T10:06:00Z',
        }),
    });
    renderGatewayTab(<AuditTab />, { api });

    const tampered = await screen.findByText(
      'Tampering detected at record #57: hash does not match the content',
    );
    expect(tampered.closest('[role="alert"]')).toHaveClass(
      'v5-MuiAlert-filledError',
    );
    expect(screen.queryByText(/Chain verified/)).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Verify now' }));
    expect(
      await screen.findByText('Chain verified: 121 records'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Tampering detected/)).not.toBeInTheDocument();
    expect(api.verifyAudit).toHaveBeenCalledTimes(2);
  });

  it('filters by decision and finding type, and pages back through older records', async () => {
    const api = fakeGatewayApi({
      verifyAudit: async () => ({
        ok: true,
        checked: 3,
        verifiedAt: '2026-11-25T10:05:00Z',
      }),
      queryAudit: async query =>
        query.before
          ? { records: [record(1, { decision: 'deny', reason: 'older' })] }
          : {
              records: [
                record(3, {
                  decision: 'deny',
                  reason: 'A secret may not be sent to a model.',
                  findings: { 'SECRET:aws-access-key': 1, EMAIL: 2 },
                }),
              ],
              nextBefore: 3,
            },
    });
    renderGatewayTab(<AuditTab />, { api });

    const records = await screen.findByRole('table', { name: 'Audit records' });
    expect(within(records).getByText('SECRET:aws-access-key ×1')).toBeVisible();
    expect(within(records).getByText('EMAIL ×2')).toBeVisible();
    expect(within(records).getByText('Denied')).toBeVisible();

    await userEvent.click(screen.getByRole('combobox', { name: 'Decision' }));
    await userEvent.click(await screen.findByRole('option', { name: 'deny' }));
    await userEvent.click(
      screen.getByRole('combobox', { name: 'Finding type' }),
    );
    await userEvent.paste('SECRET');
    await userEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() =>
      expect(api.queryAudit).toHaveBeenLastCalledWith({
        decision: 'deny',
        findingType: 'SECRET',
        limit: 25,
        actor: undefined,
        entityRef: undefined,
        kind: undefined,
        from: undefined,
        to: undefined,
        before: undefined,
      }),
    );

    await userEvent.click(await screen.findByRole('button', { name: 'Older' }));
    expect(await screen.findByText('older')).toBeInTheDocument();
    expect(api.queryAudit).toHaveBeenLastCalledWith(
      expect.objectContaining({ decision: 'deny', before: 3 }),
    );
    expect(screen.getByRole('button', { name: 'Older' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Newer' })).toBeEnabled();
  });

  it('opens with the filters a shared link carries', async () => {
    const api = fakeGatewayApi({
      verifyAudit: async () => ({
        ok: true,
        checked: 1,
        verifiedAt: '2026-11-25T10:05:00Z',
      }),
      queryAudit: async () => ({ records: [record(1, { decision: 'deny' })] }),
    });
    renderGatewayTab(<AuditTab />, {
      api,
      url: '/?decision=deny&finding=EMAIL&entity=component%3Adefault%2Fpayments',
    });

    await screen.findByRole('table', { name: 'Audit records' });
    expect(api.queryAudit).toHaveBeenCalledWith(
      expect.objectContaining({
        decision: 'deny',
        findingType: 'EMAIL',
        entityRef: 'component:default/payments',
        before: undefined,
      }),
    );
    expect(screen.getByRole('combobox', { name: 'Decision' })).toHaveTextContent(
      'deny',
    );
    expect(screen.getByRole('combobox', { name: 'Finding type' })).toHaveValue(
      'EMAIL',
    );
  });
});
