import { useState } from 'react';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import {
  CodeSnippet,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { AgentEntity, isAgentEntity } from '@pilothouse/plugin-agentops-common';
import { RiDownloadLine } from '@remixicon/react';
import useAsync from 'react-use/esm/useAsync';
import { agentsApiRef } from '../../api';
import { describeError } from '../../describeError';

/** Hands a fetched file to the browser as a download. */
function saveFile(filename: string, content: Blob) {
  const url = URL.createObjectURL(content);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

function Manifests(props: { agent: AgentEntity }) {
  const agentsApi = useApi(agentsApiRef);
  const alertApi = useApi(alertApiRef);
  const ref = getCompoundEntityRef(props.agent);
  const [downloading, setDownloading] = useState(false);
  const manifests = useAsync(
    () => agentsApi.getManifests(ref),
    [agentsApi, ref.namespace, ref.name],
  );

  // The backend needs the user's token, which a plain link would not send:
  // the file is fetched as the user and then saved.
  const download = async () => {
    setDownloading(true);
    try {
      const file = await agentsApi.downloadManifests(ref);
      saveFile(file.filename, file.content);
    } catch (error) {
      alertApi.post({
        message: `Could not download the manifests: ${describeError(error)}`,
        severity: 'error',
      });
    } finally {
      setDownloading(false);
    }
  };

  if (manifests.loading) return <Progress />;
  if (manifests.error) {
    return (
      <ResponseErrorPanel
        title="The manifests could not be rendered"
        error={manifests.error}
      />
    );
  }
  const objects = manifests.value!.split(/^---$/m).filter(s => s.trim()).length;
  return (
    <InfoCard
      title="Rendered manifests"
      subheader={`${objects} Kubernetes objects that run ${props.agent.metadata.name} isolated in namespace ${props.agent.spec.namespace}`}
      action={
        <Button
          variant="outlined"
          startIcon={<RiDownloadLine size={18} />}
          onClick={download}
          disabled={downloading}
          sx={{ mt: 1, mr: 1 }}
        >
          Download YAML
        </Button>
      }
    >
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
        Commit them to the GitOps repository (all but the Argo CD Application
        under agents/{props.agent.metadata.name}/); the Isolation tab compares
        them with the cluster.
      </Typography>
      <CodeSnippet
        text={manifests.value!}
        language="yaml"
        showLineNumbers
        showCopyCodeButton
      />
    </InfoCard>
  );
}

/** The agent's rendered isolation manifests, viewable and downloadable. */
export function ManifestsContent() {
  const { entity } = useEntity();
  if (!isAgentEntity(entity)) return null;
  return <Manifests agent={entity} />;
}
