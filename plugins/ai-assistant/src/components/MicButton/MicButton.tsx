import { useApi } from '@backstage/core-plugin-api';
import CircularProgress from '@mui/material/CircularProgress';
import IconButton from '@mui/material/IconButton';
import Tooltip from '@mui/material/Tooltip';
import { RiMicLine, RiStopCircleLine } from '@remixicon/react';
import { useEffect, useId, useRef, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { aiAssistantApiRef } from '../../api';
import { describeAssistantError, toAssistantError } from '../../describeError';
import { toSpeechWav } from './toSpeechWav';

type State =
  | { step: 'idle' }
  | { step: 'recording' }
  | { step: 'transcribing' }
  | { step: 'blocked'; reason: string };

function browserCanRecord() {
  return (
    typeof navigator !== 'undefined' &&
    Boolean(navigator.mediaDevices?.getUserMedia) &&
    typeof MediaRecorder !== 'undefined'
  );
}

function microphoneProblem(error: unknown) {
  const name = (error as Error)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return 'Microphone access was denied; allow it in the browser’s site settings to speak';
  }
  if (name === 'NotFoundError') return 'No microphone was found';
  return `The microphone could not be opened: ${(error as Error)?.message ?? error}`;
}

/**
 * Records a voice message and puts its transcript in the message box (for
 * editing; nothing is sent). Disabled, saying why, when the server has no
 * speech engine or the browser no microphone.
 */
export function MicButton(props: {
  disabled?: boolean;
  onTranscript(text: string): void;
  onError(message: string): void;
}) {
  const api = useApi(aiAssistantApiRef);
  const status = useAsync(() => api.transcriptionStatus(), [api]);
  const [state, setState] = useState<State>({ step: 'idle' });
  const recorder = useRef<MediaRecorder>();
  const reasonId = useId();

  // Stop the microphone when the chat goes away mid-recording.
  useEffect(
    () => () => recorder.current?.stream.getTracks().forEach(t => t.stop()),
    [],
  );

  let unavailable: string | undefined;
  if (status.loading) unavailable = 'Checking whether voice input works here…';
  else if (status.error) {
    unavailable = `Voice input is unavailable: ${describeAssistantError(
      toAssistantError(status.error),
    )}`;
  } else if (status.value && !status.value.available) {
    unavailable = status.value.reason ?? 'Voice input is unavailable';
  } else if (!browserCanRecord()) {
    unavailable = 'This browser cannot record audio';
  } else if (state.step === 'blocked') unavailable = state.reason;

  const start = async () => {
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (error) {
      setState({ step: 'blocked', reason: microphoneProblem(error) });
      return;
    }
    const chunks: Blob[] = [];
    const mediaRecorder = new MediaRecorder(stream);
    mediaRecorder.ondataavailable = e => chunks.push(e.data);
    mediaRecorder.onstop = async () => {
      stream.getTracks().forEach(t => t.stop());
      setState({ step: 'transcribing' });
      try {
        const wav = await toSpeechWav(
          new Blob(chunks, { type: mediaRecorder.mimeType }),
        );
        const { text } = await api.transcribe(wav);
        if (text) props.onTranscript(text);
        else props.onError('Nothing was recognised in the recording; try again');
      } catch (error) {
        props.onError(
          `The recording was not transcribed: ${describeAssistantError(
            toAssistantError(error),
          )}`,
        );
      } finally {
        setState({ step: 'idle' });
      }
    };
    recorder.current = mediaRecorder;
    mediaRecorder.start();
    setState({ step: 'recording' });
  };

  const recording = state.step === 'recording';
  const label = recording ? 'Stop recording' : 'Record voice message';
  const title = unavailable ?? (recording ? 'Stop and transcribe' : 'Speak your message');

  return (
    <Tooltip title={title}>
      {/* A disabled button gets no pointer events: the span shows the reason. */}
      <span>
        <IconButton
          aria-label={label}
          aria-describedby={unavailable ? reasonId : undefined}
          color={recording ? 'error' : 'default'}
          disabled={
            Boolean(unavailable) ||
            state.step === 'transcribing' ||
            (props.disabled && !recording)
          }
          onClick={() => (recording ? recorder.current?.stop() : start())}
        >
          {state.step === 'transcribing' && (
            <CircularProgress size={20} aria-label="Transcribing" />
          )}
          {state.step !== 'transcribing' &&
            (recording ? <RiStopCircleLine /> : <RiMicLine />)}
        </IconButton>
        {unavailable && (
          <span id={reasonId} hidden>
            {unavailable}
          </span>
        )}
      </span>
    </Tooltip>
  );
}
