import { InputError } from '@backstage/errors';
import { WaveFile } from 'wavefile';

/** What pocketsphinx's en-us acoustic model was trained on. */
export const SPEECH_SAMPLE_RATE = 16000;

const PCM = 1;
const IEEE_FLOAT = 3;

/**
 * Turns any PCM or float WAV (any rate, any channel count) into 16 kHz mono
 * 16-bit PCM, so that neither the browser nor the server needs ffmpeg or sox.
 * Anything else is refused with a sentence naming what was wrong.
 */
export function toSpeechWav(audio: Buffer): Buffer {
  let wav: WaveFile;
  try {
    wav = new WaveFile(audio);
  } catch (error) {
    throw new InputError(
      `The audio is not a readable WAV file (${
        (error as Error).message
      }); send 16-bit PCM WAV`,
    );
  }
  const fmt = wav.fmt as {
    audioFormat: number;
    numChannels: number;
    sampleRate: number;
  };
  if (fmt.audioFormat !== PCM && fmt.audioFormat !== IEEE_FLOAT) {
    throw new InputError(
      `The WAV file is encoded with format ${fmt.audioFormat}, not PCM; send 16-bit PCM WAV`,
    );
  }
  if (fmt.numChannels < 1 || fmt.sampleRate < 1) {
    throw new InputError('The WAV file has no channels or no sample rate');
  }
  const { numChannels, sampleRate } = fmt;
  const bitDepth = wav.bitDepth;
  if (numChannels > 1) {
    const channels = wav.getSamples(false, Float64Array) as unknown as
      | Float64Array[];
    const mono = new Float64Array(channels[0].length);
    for (const channel of channels) {
      for (let i = 0; i < mono.length; i++) {
        mono[i] += channel[i] / channels.length;
      }
    }
    wav.fromScratch(1, sampleRate, bitDepth, mono);
  }
  if (bitDepth !== '16') wav.toBitDepth('16');
  if (sampleRate !== SPEECH_SAMPLE_RATE) {
    wav.toSampleRate(SPEECH_SAMPLE_RATE);
  }
  return Buffer.from(wav.toBuffer());
}
