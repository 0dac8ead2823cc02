import { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import OpenAI, { toFile } from 'openai';

export interface WhisperOptions {
  /** The API's base URL, as for the OpenAI SDK: e.g. http://whisper:8000/v1. */
  baseUrl: string;
  apiKey?: string;
  model: string;
  /** ISO 639-1, e.g. `en`; the server guesses when absent. */
  language?: string;
  timeoutMs: number;
  logger: LoggerService;
}

const EXTENSIONS: Record<string, string> = {
  'audio/wav': 'wav',
  'audio/webm': 'webm',
};

/**
 * Any server speaking OpenAI's `POST /audio/transcriptions` (OpenAI itself,
 * faster-whisper-server, whisper.cpp's server, LocalAI, vLLM).
 */
export class WhisperEngine {
  readonly name = 'whisper';
  private readonly client: OpenAI;

  constructor(private readonly options: WhisperOptions) {
    this.client = new OpenAI({
      // Self-hosted servers take any key; the SDK insists on one.
      apiKey: options.apiKey ?? 'no-key',
      baseURL: options.baseUrl,
      maxRetries: 1,
      timeout: options.timeoutMs,
    });
  }

  async transcribe(audio: Buffer, contentType: string): Promise<string> {
    const { model, language, logger } = this.options;
    try {
      const result = await this.client.audio.transcriptions.create({
        file: await toFile(audio, `speech.${EXTENSIONS[contentType]}`, {
          type: contentType,
        }),
        model,
        ...(language ? { language } : {}),
        response_format: 'json',
      });
      return result.text.trim();
    } catch (error) {
      logger.warn('whisper transcription failed', {
        baseUrl: this.options.baseUrl,
        error: (error as Error).message,
      });
      throw new ServiceUnavailableError(
        `The transcription service did not answer: ${(error as Error).message}`,
      );
    }
  }
}
