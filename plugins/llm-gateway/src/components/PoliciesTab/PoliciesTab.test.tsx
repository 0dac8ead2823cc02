import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type {
  PolicyDocument,
  PolicyVersionSummary,
} from '@pilothouse/plugin-llm-gateway-common';
import {
  fakeGatewayApi,
  renderGatewayTab,
} from '../../__testUtils__/renderGatewayTab';
import { PoliciesTab } from './PoliciesTab';

const v1 = 'rules:\n  - name: read-only-tools\n    when: true\n';
const v2 = 'rules:\n  - name: read-only-tools\n    when: tool.readOnly\n';
const v3 =
  'rules:\n  - name: read-only-tools\n    when: tool.readOnly\n    decision: allow\n';

const current: PolicyDocument = {
  name: 'default',
  source: v3,
  version: 3,
  author: 'user:default/carol',
  time: '2026-11-20T10:00:00Z',
  origin: 'admin',
  comment: 'say allow explicitly',
};

const history: PolicyVersionSummary[] = [
  {
    name: 'default',
    version: 3,
    author: 'user:default/carol',
    time: '2026-11-20T10:00:00Z',
    origin: 'admin',
    comment: 'say allow explicitly',
    diff: '--- default v2\n+++ default v3\n@@ -3 +3,2 @@\n     when: tool.readOnly\n+    decision: allow\n',
  },
  {
    name: 'default',
    version: 2,
    author: 'user:default/jun',
    time: '2026-11-19T09:00:00Z',
    origin: 'admin',
    comment: 'only read-only tools',
    diff: '--- default v1\n+++ default v2\n@@ -3 +3 @@\n-    when: true\n+    when: tool.readOnly\n',
  },
  {
    name: 'default',
    version: 1,
    author: 'pilothouse',
    time: '2026-11-18T08:00:00Z',
    origin: 'file',
    diff: '',
  },
];

function gateway() {
  return fakeGatewayApi({
    listPolicies: async () => ({ policies: [current], problems: [] }),
    getPolicyHistory: async () => history,
    validatePolicy: async (_name, source) =>
      source.includes('whenn')
        ? [
            {
              line: 3,
              message: "unknown field 'whenn'",
              path: 'rules.0.whenn',
            },
            { message: 'a rule needs a decision' },
          ]
        : [],
    savePolicy: async (name, change) => ({
      ...current,
      name,
      source: change.source,
      version: 4,
      comment: change.comment,
    }),
    restorePolicy: async (name, version) => ({
      ...current,
      name,
      source: version === 2 ? v2 : v1,
      version: 4,
      origin: 'restore',
    }),
  });
}

async function replaceSource(source: string) {
  const editor = await screen.findByRole('textbox', {
    name: 'Policy source (YAML)',
  });
  await userEvent.clear(editor);
  await userEvent.click(editor);
  await userEvent.paste(source);
  return editor;
}

describe('PoliciesTab', () => {
  it('lists validation errors by line and will not save an invalid policy', async () => {
    const api = gateway();
    renderGatewayTab(<PoliciesTab />, { api });

    expect(
      await screen.findByRole('textbox', { name: 'Policy source (YAML)' }),
    ).toHaveValue(v3);

    await replaceSource('rules:\n  - name: read-only-tools\n    whenn: true\n');
    await userEvent.click(screen.getByRole('button', { name: 'Validate' }));

    expect(
      await screen.findByText("Line 3: unknown field 'whenn' (rules.0.whenn)"),
    ).toBeInTheDocument();
    expect(screen.getByText('a rule needs a decision')).toBeInTheDocument();
    expect(screen.getByText('2 problems in this policy')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
    expect(
      screen.getByText('Fix the problems above before saving.'),
    ).toBeInTheDocument();

    // Fixing the text and saving validates it again, then saves it.
    const fixed = 'rules:\n  - name: read-only-tools\n    when: true\n';
    await replaceSource(fixed);
    expect(screen.getByRole('button', { name: 'Save' })).toBeEnabled();
    await userEvent.click(screen.getByRole('textbox', { name: 'Comment' }));
    await userEvent.paste('back to allowing everything');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));

    await waitFor(() =>
      expect(api.savePolicy).toHaveBeenCalledWith('default', {
        source: fixed,
        comment: 'back to allowing everything',
        baseVersion: 3,
      }),
    );
    expect(api.validatePolicy).toHaveBeenLastCalledWith('default', fixed);
    expect(api.savePolicy).toHaveBeenCalledTimes(1);
    expect(
      await screen.findByText(/^Version 4, edited by user:default\/carol/),
    ).toBeInTheDocument();
  });

  it('shows what changed in a version and restores it only after confirmation', async () => {
    const api = gateway();
    renderGatewayTab(<PoliciesTab />, { api });

    const versions = await screen.findByRole('table', { name: 'Versions' });
    const row2 = within(versions).getByRole('row', {
      name: /only read-only tools/,
    });
    await userEvent.click(
      within(row2).getByRole('button', { name: 'View changes' }),
    );

    const diff = await screen.findByRole('dialog', {
      name: 'Changes in version 2 of default',
    });
    const removed = within(diff).getByText('- when: true', {
      normalizer: text => text.replace(/\s+/g, ' ').trim(),
    });
    const added = within(diff).getByText('+ when: tool.readOnly', {
      normalizer: text => text.replace(/\s+/g, ' ').trim(),
    });
    expect(removed.tagName).toBe('DEL');
    expect(added.tagName).toBe('INS');
    await userEvent.click(within(diff).getByRole('button', { name: 'Close' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );

    // The current version cannot be restored onto itself.
    const row3 = within(versions).getByRole('row', {
      name: /say allow explicitly/,
    });
    expect(
      within(row3).getByRole('button', { name: 'Restore' }),
    ).toBeDisabled();

    await userEvent.click(
      within(row2).getByRole('button', { name: 'Restore' }),
    );
    const confirm = await screen.findByRole('dialog', {
      name: 'Restore version 2 of default?',
    });
    expect(confirm).toHaveTextContent('new version 4');
    expect(api.restorePolicy).not.toHaveBeenCalled();

    await userEvent.click(
      within(confirm).getByRole('button', { name: 'Restore version 2' }),
    );
    await waitFor(() =>
      expect(api.restorePolicy).toHaveBeenCalledWith('default', 2),
    );
    expect(
      await screen.findByRole('textbox', { name: 'Policy source (YAML)' }),
    ).toHaveValue(v2);
    // The history is fetched again for the new version.
    await waitFor(() => expect(api.getPolicyHistory).toHaveBeenCalledTimes(2));
  });
});
