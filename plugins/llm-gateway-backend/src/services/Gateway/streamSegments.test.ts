import { StreamSegmenter } from './streamSegments';

const feed = (segmenter: StreamSegmenter, pieces: string[]) =>
  pieces.flatMap(p => segmenter.push(p));

describe('StreamSegmenter', () => {
  it('sends whole lines and sentences only', () => {
    const s = new StreamSegmenter();
    expect(
      feed(s, ['Call +1 555 ', '123 4567', ' now. Then', ' more\nand']),
    ).toEqual(['Call +1 555 123 4567 now. ', 'Then more\n']);
    expect(s.flush()).toBe('and');
  });

  it('holds a PEM block until it ends', () => {
    const s = new StreamSegmenter();
    const out = feed(s, [
      'Here:\n-----BEGIN PRIVATE KEY-----\n',
      'MIIEvQIBADANBg\nkqhkiG9w0BAQEFAASC\n',
      '-----END PRIVATE KEY-----\nDone.',
    ]);
    expect(out).toEqual([
      'Here:\n',
      '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\nkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n',
    ]);
    expect(s.flush()).toBe('Done.');
  });

  it('cuts a long run without boundaries at a space, never inside a word', () => {
    const s = new StreamSegmenter(20);
    const out = feed(s, ['aaaa bbbb cccc dddd eeee', 'ffff']);
    expect(out).toEqual(['aaaa bbbb cccc dddd ']);
    expect(s.flush()).toBe('eeeeffff');
  });
});
