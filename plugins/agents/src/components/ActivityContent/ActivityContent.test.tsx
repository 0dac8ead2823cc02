import { screen, within } from '@testing-library/react';
import type { AuditRecord } from '@pilothouse/plugin-llm-gateway-common';
import { fakeAgentsApi, releaseAgent } from '../../__fixtures__/entities';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { ActivityContent } from './ActivityContent';

const record = (change: Partial<AuditRecord>): AuditRecord => ({
  id: 'r1',
  seq: 1,
  time: '2026-11-26T09:00:00Z',
  actor: 'user:default/alice',
  kind: 'tool',
  target: 'cicd.sync_application',
  entityRef: 'agent:default/release-agent',
  decision: 'allow',
  findings: {},
  prevHash: '',
  hash: '',
  ...change,
});

describe('an agent’s Activity tab', () => {
  it('lists the gateway’s records about the agent, and tells a non-auditor they see only their own', async () => {
    const agentsApi = fakeAgentsApi({
      recentActivity: async () => ({
        records: [
          record({
            id: 'r2',
            seq: 2,
            decision: 'ask',
            reason: 'destructive tool: second person approves',
          }),
          record({
            id: 'r1',
            seq: 1,
            kind: 'model',
            target: 'pilothouse-local',
          }),
        ],
      }),
    });
    renderWithApis(<ActivityContent />, { agentsApi, entity: releaseAgent });

    const table = await screen.findByRole('table', { name: 'Recent activity' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(
      within(rows[0]).getByText('cicd.sync_application'),
    ).toBeInTheDocument();
    expect(within(rows[0]).getByText('Needs approval')).toBeInTheDocument();
    expect(
      within(rows[0]).getByText('destructive tool: second person approves'),
    ).toBeInTheDocument();
    expect(within(rows[1]).getByText('Allowed')).toBeInTheDocument();
    expect(agentsApi.recentActivity).toHaveBeenCalledWith(
      'agent:default/release-agent',
      25,
    );
    expect(
      await screen.findByText(/You see only your own records/),
    ).toBeInTheDocument();
  });

  it('shows an auditor no hint, and says when nothing was recorded', async () => {
    const agentsApi = fakeAgentsApi({
      recentActivity: async () => ({ records: [] }),
    });
    renderWithApis(<ActivityContent />, {
      agentsApi,
      entity: releaseAgent,
      auditor: true,
    });
    expect(
      await screen.findByText(
        'The gateway has recorded nothing about this agent yet.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByText(/You see only your own records/),
    ).not.toBeInTheDocument();
  });
});
