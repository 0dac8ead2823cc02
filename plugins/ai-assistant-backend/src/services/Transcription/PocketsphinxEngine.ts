import { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { SPEECH_SAMPLE_RATE } from './wav';

/** Where Debian's `pocketsphinx-en-us` package puts the US English model. */
export const DEBIAN_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';

export interface PocketsphinxOptions {
  /** The program, on PATH or absolute: `pocketsphinx_continuous` (Debian's `pocketsphinx`). */
  command: string;
  /** Acoustic model directory (`-hmm`). */
  hmm: string;
  /** Language model (`-lm`). */
  lm: string;
  /** Pronunciation dictionary (`-dict`). */
  dict: string;
  timeoutMs: number;
  logger: LoggerService;
}

/** Offline speech to text with CMU Sphinx, as Debian packages it. */
export class PocketsphinxEngine {
  readonly name = 'pocketsphinx';

  constructor(private readonly options: PocketsphinxOptions) {}

  /** Why it cannot run here, or undefined when it can. */
  async unavailableReason(): Promise<string | undefined> {
    const { command, hmm, lm, dict } = this.options;
    if (!(await findExecutable(command))) {
      return `the speech engine ${command} is not installed on the server (Debian packages pocketsphinx and pocketsphinx-en-us)`;
    }
    for (const file of [join(hmm, 'mdef'), lm, dict]) {
      if (!(await exists(file))) {
        return `the speech model file ${file} is missing on the server (Debian package pocketsphinx-en-us)`;
      }
    }
    return undefined;
  }

  /** `wav`: 16 kHz mono 16-bit PCM (see toSpeechWav). */
  async transcribe(wav: Buffer): Promise<string> {
    const { command, hmm, lm, dict, timeoutMs, logger } = this.options;
    const dir = await mkdtemp(join(tmpdir(), 'ai-assistant-voice-'));
    try {
      const file = join(dir, 'speech.wav');
      await writeFile(file, wav);
      const stdout = await new Promise<string>((resolve, reject) => {
        execFile(
          command,
          [
            '-infile', file,
            '-samprate', String(SPEECH_SAMPLE_RATE),
            '-hmm', hmm,
            '-lm', lm,
            '-dict', dict,
          ],
          { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
          (error, out, err) => {
            if (error) {
              logger.warn('pocketsphinx failed', {
                code: error.code,
                signal: error.signal,
                stderr: err.split('\n').slice(-5).join('\n'),
              });
              reject(
                new ServiceUnavailableError(
                  error.killed
                    ? `Transcription took longer than ${Math.round(
                        timeoutMs / 1000,
                      )} s and was stopped`
                    : 'The speech engine failed on this recording',
                ),
              );
            } else {
              resolve(out);
            }
          },
        );
      });
      // One line per utterance the decoder found between silences.
      return stdout
        .split('\n')
        .map(line => line.trim())
        .filter(Boolean)
        .join(' ');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

async function exists(file: string) {
  try {
    await access(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

async function findExecutable(command: string) {
  const candidates = isAbsolute(command)
    ? [command]
    : (process.env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map(dir => join(dir, command));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}
