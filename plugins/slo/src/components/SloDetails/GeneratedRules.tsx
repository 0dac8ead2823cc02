import {
  CodeSnippet,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Button from '@mui/material/Button';
import { RiDownloadLine } from '@remixicon/react';

/** Hands text to the browser as a file to save. */
function saveText(filename: string, text: string) {
  const url = URL.createObjectURL(
    new Blob([text], { type: 'application/yaml' }),
  );
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

/** The Prometheus recording and alerting rules generated for the SLO. */
export function GeneratedRules(props: {
  sloName: string;
  rules: { loading: boolean; error?: Error; value?: string };
}) {
  const { rules } = props;
  const filename = `${props.sloName}-rules.yaml`;
  return (
    <InfoCard
      title="Generated Prometheus rules"
      subheader="Recording rules for the SLI over every window and the multi-window burn-rate alerts; load them into Prometheus as a rule file."
      action={
        <Button
          variant="outlined"
          startIcon={<RiDownloadLine size={18} />}
          disabled={!rules.value}
          onClick={() => saveText(filename, rules.value!)}
          title={`Save as ${filename}`}
          sx={{ mt: 1, mr: 1 }}
        >
          Download YAML
        </Button>
      }
    >
      {rules.loading && <Progress />}
      {rules.error && (
        <ResponseErrorPanel
          title="The rules could not be generated"
          error={rules.error}
        />
      )}
      {rules.value !== undefined && (
        <div style={{ maxHeight: 480, overflow: 'auto' }}>
          <CodeSnippet
            text={rules.value}
            language="yaml"
            showLineNumbers
            showCopyCodeButton
          />
        </div>
      )}
    </InfoCard>
  );
}
