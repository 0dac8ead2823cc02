import { screen, within } from '@testing-library/react';
import {
  fakeGatewayApi,
  renderGatewayTab,
} from '../../__testUtils__/renderGatewayTab';
import { DetectorsTab } from '../DetectorsTab';
import { PlaygroundTab } from '../PlaygroundTab';
import { PoliciesTab } from '../PoliciesTab';

const policy = {
  name: 'default',
  source: 'rules: []\n',
  version: 2,
  author: 'user:default/carol',
  time: '2026-11-20T10:00:00Z',
  origin: 'admin' as const,
};

function gateway() {
  return fakeGatewayApi({
    listDetectors: async () => [
      {
        type: 'EMAIL',
        builtin: true,
        enabled: true,
        actions: { input: 'redact', output: 'allow' },
        minConfidence: 0.8,
      },
    ],
    listRules: async () => [
      {
        name: 'PROJECT_CODENAME',
        dictionary: ['bluefin'],
        dataClass: 'confidential',
        actions: { input: 'redact', output: 'redact' },
      },
    ],
    listPolicies: async () => ({ policies: [policy], problems: [] }),
    getPolicyHistory: async () => [
      { ...policy, diff: '+rules: []\n' },
      { ...policy, version: 1, origin: 'file', diff: '' },
    ],
  });
}

describe('who may see and change the gateway settings', () => {
  it('tells people without the read permission that they have no access', async () => {
    const api = gateway();
    renderGatewayTab(<DetectorsTab />, { api, role: 'outsider' });

    expect(
      await screen.findByText(
        "You don't have access to the AI Gateway settings",
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(api.listDetectors).not.toHaveBeenCalled();
  });

  it('shows detectors and rules read-only to people who are not platform admins', async () => {
    renderGatewayTab(<DetectorsTab />, { api: gateway(), role: 'reader' });

    const detectors = await screen.findByRole('table', { name: 'Detectors' });
    expect(
      screen.getByText('Only platform admins can change gateway settings.'),
    ).toBeInTheDocument();
    expect(
      within(detectors).getByRole('checkbox', { name: 'EMAIL enabled' }),
    ).toBeDisabled();
    for (const select of within(detectors).getAllByRole('combobox')) {
      expect(select).toHaveAttribute('aria-disabled', 'true');
    }
    const rules = await screen.findByRole('table', {
      name: 'Custom DLP rules',
    });
    expect(within(rules).getByRole('button', { name: 'Edit' })).toBeDisabled();
    expect(
      within(rules).getByRole('button', { name: 'Delete' }),
    ).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Add rule' })).toBeDisabled();
  });

  it('lets non-admins read policies and validate them, but not save or restore', async () => {
    renderGatewayTab(<PoliciesTab />, { api: gateway(), role: 'reader' });

    const editor = await screen.findByRole('textbox', {
      name: 'Policy source (YAML)',
    });
    expect(editor).toHaveAttribute('readonly');
    expect(
      screen.getByText('Only platform admins can change gateway settings.'),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Validate' })).toBeEnabled();
    expect(
      screen.queryByRole('textbox', { name: 'Comment' }),
    ).not.toBeInTheDocument();
    const versions = await screen.findByRole('table', { name: 'Versions' });
    for (const restore of within(versions).getAllByRole('button', {
      name: 'Restore',
    })) {
      expect(restore).toBeDisabled();
    }
  });

  it('lets non-admins use the playground only as themselves', async () => {
    renderGatewayTab(<PlaygroundTab />, { api: gateway(), role: 'reader' });

    const user = await screen.findByRole('combobox', { name: 'User' });
    expect(user).toBeDisabled();
    expect(
      screen.getByText(
        'You inspect as yourself; only platform admins can pick another user',
      ),
    ).toBeInTheDocument();
  });
});
