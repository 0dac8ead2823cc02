import { mockServices } from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WaveFile } from 'wavefile';
import { createTranscriber } from '.';
import { toSpeechWav } from './wav';

const PHRASE = 'scale payments to five replicas';

// Speech synthesis, resampling and decoding take seconds on a busy two-core machine.
jest.setTimeout(60_000);

/** What espeak-ng says for a phrase: 22050 Hz mono 16-bit WAV. */
function speak(text: string, voice = 'en-us') {
  const dir = mkdtempSync(join(tmpdir(), 'ai-assistant-speech-'));
  try {
    const file = join(dir, 'speech.wav');
    execFileSync('espeak-ng', ['-v', voice, '-w', file, text]);
    return readFileSync(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function transcriber(transcription?: JsonObject) {
  return createTranscriber({
    config: mockServices.rootConfig({
      data: transcription ? { aiAssistant: { transcription } } : {},
    }),
    logger: mockServices.logger.mock(),
  });
}

describe('transcription with pocketsphinx (Debian packages)', () => {
  const spoken = speak(PHRASE);

  it('says pocketsphinx is available when Debian installed it', async () => {
    await expect(transcriber().status()).resolves.toEqual({
      available: true,
      engine: 'pocketsphinx',
    });
  });

  it('transcribes what espeak-ng spoke, resampled from 22050 Hz in the service', async () => {
    // pocketsphinx's general English model hears espeak-ng's default voice
    // as noise ("you'll to testify group because"); its Klatt voices come
    // through in part: "scaled up a bit deployment to find replica".
    const result = await transcriber().transcribe(
      speak('scale the payments deployment to five replicas', 'en-us+klatt4'),
      'audio/wav',
    );
    expect(result.engine).toBe('pocketsphinx');
    expect(result.text).toMatch(/\bscale/);
    expect(result.text).toMatch(/\bdeployment\b/);
    expect(result.text).toMatch(/\breplica/);
  });

  it('reads stereo 32 kHz float WAV too', async () => {
    const wav = new WaveFile(spoken);
    wav.toBitDepth('32f');
    wav.toSampleRate(32000);
    const mono = wav.getSamples(false, Float64Array);
    const stereo = new WaveFile();
    stereo.fromScratch(2, 32000, '32f', [mono, mono]);
    const converted = new WaveFile(toSpeechWav(Buffer.from(stereo.toBuffer())));
    const fmt = converted.fmt as { numChannels: number; sampleRate: number };
    expect([fmt.numChannels, fmt.sampleRate, converted.bitDepth]).toEqual([
      1, 16000, '16',
    ]);
    const seconds = (w: WaveFile) =>
      (w.data as { chunkSize: number }).chunkSize /
      ((w.fmt as { byteRate: number }).byteRate);
    expect(seconds(converted)).toBeCloseTo(seconds(new WaveFile(spoken)), 1);
  });

  it('refuses audio it cannot read, naming what was wrong', async () => {
    const t = transcriber();
    await expect(t.transcribe(spoken, 'audio/ogg')).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining("'audio/ogg' is not accepted"),
    });
    await expect(
      t.transcribe(Buffer.from('not a wave file'), 'audio/wav'),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('not a readable WAV file'),
    });
    await expect(t.transcribe(spoken, 'audio/webm')).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('reads WAV only'),
    });
    await expect(t.transcribe(spoken, 'constructor')).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining("'constructor' is not accepted"),
    });
    await expect(t.transcribe(Buffer.alloc(0), 'audio/wav')).rejects.toMatchObject(
      { name: 'InputError', message: 'The recording is empty' },
    );
  });
});

describe('without an engine', () => {
  it('says why voice input is unavailable when pocketsphinx is missing', async () => {
    const t = transcriber({
      pocketsphinx: { command: 'pocketsphinx-that-is-not-installed' },
    });
    const status = await t.status();
    expect(status.available).toBe(false);
    expect(status.reason).toContain(
      'pocketsphinx-that-is-not-installed is not installed on the server',
    );
    expect(status.reason).toContain('aiAssistant.transcription.whisper.baseUrl');
    await expect(t.transcribe(speak('hello'), 'audio/wav')).rejects.toMatchObject(
      { name: 'ServiceUnavailableError' },
    );
  });

  it('says which model file is missing', async () => {
    const status = await transcriber({
      engine: 'pocketsphinx',
      pocketsphinx: { modelDir: '/nonexistent/pocketsphinx-model' },
    }).status();
    expect(status).toEqual({
      available: false,
      reason: expect.stringContaining(
        '/nonexistent/pocketsphinx-model/en-us/mdef is missing',
      ),
    });
  });

  it('says so when voice input is turned off', async () => {
    await expect(transcriber({ engine: 'off' }).status()).resolves.toEqual({
      available: false,
      reason: 'Voice input is turned off on this portal',
    });
  });

  it('refuses an unknown engine name at start', () => {
    expect(() => transcriber({ engine: 'vosk' })).toThrow(
      "aiAssistant.transcription.engine must be one of auto, pocketsphinx, whisper, off, not 'vosk'",
    );
  });
});

/** A stand-in for a Whisper-compatible server, speaking OpenAI's multipart shape. */
describe('transcription with a Whisper-compatible endpoint', () => {
  let server: Server;
  let baseUrl: string;
  const received: Array<{
    path: string;
    authorization?: string;
    model: FormDataEntryValue | null;
    language: FormDataEntryValue | null;
    file: File;
    audio: Buffer;
  }> = [];

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const form = await new Response(await readBody(req), {
        headers: { 'content-type': req.headers['content-type'] ?? '' },
      }).formData();
      const file = form.get('file') as File;
      received.push({
        path: req.url ?? '',
        authorization: req.headers.authorization,
        model: form.get('model'),
        language: form.get('language'),
        file,
        audio: Buffer.from(await file.arrayBuffer()),
      });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ text: ` ${PHRASE} ` }));
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });

  afterAll(async () => {
    await new Promise(resolve => server.close(resolve));
  });

  beforeEach(() => {
    received.length = 0;
  });

  it('posts the recording as OpenAI does and answers the text', async () => {
    const t = transcriber({
      whisper: { baseUrl, apiKey: 'test-key', model: 'whisper-large-v3', language: 'en' },
    });
    await expect(t.status()).resolves.toEqual({
      available: true,
      engine: 'whisper',
    });
    const spoken = speak(PHRASE);
    await expect(t.transcribe(spoken, 'audio/wav')).resolves.toEqual({
      text: PHRASE,
      engine: 'whisper',
    });
    expect(received).toHaveLength(1);
    const [call] = received;
    expect(call.path).toBe('/v1/audio/transcriptions');
    expect(call.authorization).toBe('Bearer test-key');
    expect(call.model).toBe('whisper-large-v3');
    expect(call.language).toBe('en');
    expect(call.file.name).toBe('speech.wav');
    expect(call.file.type).toBe('audio/wav');
    // Whisper servers resample themselves: the recording goes as recorded.
    expect(call.audio.equals(spoken)).toBe(true);
  });

  it('passes audio/webm through, which pocketsphinx could not read', async () => {
    const t = transcriber({ whisper: { baseUrl } });
    await t.transcribe(Buffer.from('webm bytes'), 'audio/webm; codecs=opus');
    expect(received[0].file.name).toBe('speech.webm');
    expect(received[0].model).toBe('whisper-1');
  });

  it('is preferred over pocketsphinx when both are there', async () => {
    await expect(
      transcriber({ whisper: { baseUrl } }).status(),
    ).resolves.toMatchObject({ engine: 'whisper' });
  });

  it('answers 503 with the reason when the endpoint is down', async () => {
    const t = transcriber({
      timeoutSeconds: 5,
      whisper: { baseUrl: 'http://127.0.0.1:9/v1' },
    });
    await expect(t.transcribe(speak('hello'), 'audio/wav')).rejects.toMatchObject(
      {
        name: 'ServiceUnavailableError',
        message: expect.stringContaining('The transcription service did not answer'),
      },
    );
  });
});

async function readBody(req: IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
