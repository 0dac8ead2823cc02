import { WaveFile } from 'wavefile';

/** What the server's offline engine reads without converting. */
export const SPEECH_SAMPLE_RATE = 16000;

/**
 * A browser recording (webm/opus, ogg, mp4 — whatever MediaRecorder made)
 * as 16 kHz mono 16-bit PCM WAV: decoded and resampled by Web Audio, so the
 * server needs no ffmpeg.
 */
export async function toSpeechWav(recording: Blob): Promise<Blob> {
  const context = new AudioContext();
  let decoded: AudioBuffer;
  try {
    decoded = await context.decodeAudioData(await recording.arrayBuffer());
  } finally {
    void context.close();
  }
  // A one-channel destination mixes the recording's channels down.
  const offline = new OfflineAudioContext(
    1,
    Math.max(1, Math.ceil(decoded.duration * SPEECH_SAMPLE_RATE)),
    SPEECH_SAMPLE_RATE,
  );
  const source = offline.createBufferSource();
  source.buffer = decoded;
  source.connect(offline.destination);
  source.start();
  const rendered = await offline.startRendering();
  return new Blob([encodeWav(rendered.getChannelData(0))], {
    type: 'audio/wav',
  });
}

/** Float samples in [-1, 1] at 16 kHz as a 16-bit PCM WAV file. */
export function encodeWav(samples: Float32Array): Uint8Array {
  const wav = new WaveFile();
  wav.fromScratch(1, SPEECH_SAMPLE_RATE, '32f', samples);
  wav.toBitDepth('16');
  return wav.toBuffer();
}
