import {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import type {
  TranscriptionResponse,
  TranscriptionStatus,
} from '@pilothouse/plugin-ai-assistant-common';
import { DEBIAN_MODEL_DIR, PocketsphinxEngine } from './PocketsphinxEngine';
import { toSpeechWav } from './wav';
import { WhisperEngine } from './WhisperEngine';

/** Speech to text for the microphone button (same shape as services/types.ts). */
export interface Transcriber {
  status(): Promise<TranscriptionStatus>;
  /** Throws InputError for audio it cannot read, ServiceUnavailableError without an engine. */
  transcribe(
    audio: Buffer,
    contentType: string,
  ): Promise<TranscriptionResponse>;
}

type EngineChoice = 'auto' | 'pocketsphinx' | 'whisper' | 'off';

const ENGINE_CHOICES: EngineChoice[] = [
  'auto',
  'pocketsphinx',
  'whisper',
  'off',
];

/** Content types the route accepts, with the aliases browsers and tools use. */
const CONTENT_TYPES: Record<string, 'audio/wav' | 'audio/webm'> = {
  'audio/wav': 'audio/wav',
  'audio/wave': 'audio/wav',
  'audio/x-wav': 'audio/wav',
  'audio/vnd.wave': 'audio/wav',
  'audio/webm': 'audio/webm',
};

/**
 * Reads `aiAssistant.transcription`: a Whisper-compatible endpoint when
 * `whisper.baseUrl` is set, else pocketsphinx when Debian's packages are
 * installed (`engine: auto`, the default).
 */
export function createTranscriber(options: {
  config: RootConfigService;
  logger: LoggerService;
}): Transcriber {
  const config = options.config.getOptionalConfig('aiAssistant.transcription');
  const logger = options.logger.child({ service: 'transcription' });
  const engine = (config?.getOptionalString('engine') ??
    'auto') as EngineChoice;
  if (!ENGINE_CHOICES.includes(engine)) {
    throw new Error(
      `aiAssistant.transcription.engine must be one of ${ENGINE_CHOICES.join(
        ', ',
      )}, not '${engine}'`,
    );
  }
  const timeoutMs = (config?.getOptionalNumber('timeoutSeconds') ?? 30) * 1000;

  const whisperConfig = config?.getOptionalConfig('whisper');
  if (engine === 'whisper' && !whisperConfig) {
    throw new Error(
      'aiAssistant.transcription.engine is whisper but aiAssistant.transcription.whisper.baseUrl is not set',
    );
  }
  const whisper =
    whisperConfig && engine !== 'pocketsphinx' && engine !== 'off'
      ? new WhisperEngine({
          baseUrl: whisperConfig.getString('baseUrl'),
          apiKey: whisperConfig.getOptionalString('apiKey'),
          model: whisperConfig.getOptionalString('model') ?? 'whisper-1',
          language: whisperConfig.getOptionalString('language'),
          timeoutMs,
          logger,
        })
      : undefined;

  const modelDir =
    config?.getOptionalString('pocketsphinx.modelDir') ?? DEBIAN_MODEL_DIR;
  const pocketsphinx =
    engine === 'auto' || engine === 'pocketsphinx'
      ? new PocketsphinxEngine({
          command:
            config?.getOptionalString('pocketsphinx.command') ??
            'pocketsphinx_continuous',
          hmm: `${modelDir}/en-us`,
          lm: `${modelDir}/en-us.lm.bin`,
          dict: `${modelDir}/cmudict-en-us.dict`,
          timeoutMs,
          logger,
        })
      : undefined;

  /** The engine to use now, or why there is none. */
  async function pick(): Promise<
    | { engine: WhisperEngine | PocketsphinxEngine }
    | { engine?: undefined; reason: string }
  > {
    if (engine === 'off') {
      return { reason: 'Voice input is turned off on this portal' };
    }
    if (whisper) return { engine: whisper };
    if (!pocketsphinx) {
      return { reason: 'No speech engine is configured on this portal' };
    }
    const missing = await pocketsphinx.unavailableReason();
    if (!missing) return { engine: pocketsphinx };
    return {
      reason:
        engine === 'auto'
          ? `Voice input is unavailable: ${missing}, and no Whisper-compatible endpoint is configured (aiAssistant.transcription.whisper.baseUrl)`
          : `Voice input is unavailable: ${missing}`,
    };
  }

  return {
    async status() {
      const picked = await pick();
      return picked.engine
        ? { available: true, engine: picked.engine.name }
        : { available: false, reason: picked.reason };
    },

    async transcribe(audio, contentType) {
      const essence = contentType.split(';')[0].trim().toLowerCase();
      const type = Object.hasOwn(CONTENT_TYPES, essence)
        ? CONTENT_TYPES[essence]
        : undefined;
      if (!type) {
        throw new InputError(
          `Audio of type '${contentType}' is not accepted; send audio/wav (16-bit PCM) or audio/webm`,
        );
      }
      if (audio.length === 0) {
        throw new InputError('The recording is empty');
      }
      const picked = await pick();
      if (!picked.engine) throw new ServiceUnavailableError(picked.reason);
      const started = Date.now();
      let text: string;
      if (picked.engine instanceof PocketsphinxEngine) {
        if (type !== 'audio/wav') {
          throw new InputError(
            `The server's speech engine (pocketsphinx) reads WAV only; send audio/wav, not ${type}`,
          );
        }
        text = await picked.engine.transcribe(toSpeechWav(audio));
      } else {
        text = await picked.engine.transcribe(audio, type);
      }
      logger.info('transcribed a recording', {
        engine: picked.engine.name,
        bytes: audio.length,
        ms: Date.now() - started,
      });
      return { text, engine: picked.engine.name };
    },
  };
}
