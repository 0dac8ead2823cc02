/**
 * Splits a streamed answer into segments that are inspected before they are
 * sent: a segment ends at a line break or at the end of a sentence, so that
 * PII (a phone number, an address, a card number with spaces) is seen whole.
 * A PEM block (`-----BEGIN … -----END …-----`) is held until it ends, and a
 * run of text with no boundary is cut at whitespace once it reaches
 * `maxHold` characters, never inside a word (a key or token has no spaces).
 * What is held is inspected and sent when the stream ends.
 */
export class StreamSegmenter {
  private pending = '';

  constructor(private readonly maxHold = 2048) {}

  push(text: string): string[] {
    this.pending += text;
    const out: string[] = [];
    for (;;) {
      const cut = this.cutPoint();
      if (cut <= 0) break;
      out.push(this.pending.slice(0, cut));
      this.pending = this.pending.slice(cut);
    }
    return out;
  }

  /** The rest, at the end of the stream. */
  flush(): string {
    const rest = this.pending;
    this.pending = '';
    return rest;
  }

  private cutPoint(): number {
    const text = this.pending;
    const pemStart = text.indexOf('-----BEGIN ');
    if (pemStart >= 0) {
      const end = /-----END [^\n]*?-----\n?/.exec(text.slice(pemStart));
      // A finished block goes out whole (with what precedes it); an
      // unfinished one holds everything from its start.
      if (end) return pemStart + end.index + end[0].length;
      return pemStart > 0 ? pemStart : -1;
    }
    let cut = -1;
    const boundary = /\n|[.!?](?=\s)\s*/g;
    for (let m = boundary.exec(text); m; m = boundary.exec(text)) {
      cut = m.index + m[0].length;
    }
    if (cut > 0) return cut;
    if (text.length >= this.maxHold) {
      const space = text.lastIndexOf(' ');
      return space > 0 ? space + 1 : -1;
    }
    return -1;
  }
}

/**
 * Holds each inspected segment back until the next one is seen, so that a
 * finding split across the boundary (a card number cut at a space, an
 * address over two lines) is caught: when the text of both has a finding
 * that crosses from one into the other, they are merged and held together.
 * `crosses` inspects `before + after`; what is held stays below `maxHold`
 * characters (a longer run is sent as it is, each part still inspected).
 */
export class BoundaryGuard {
  private held = '';

  constructor(
    private readonly crosses: (before: string, after: string) => Promise<boolean>,
    private readonly maxHold = 8192,
  ) {}

  /** Segments now safe to inspect and send, in order. */
  async push(segment: string): Promise<string[]> {
    if (!segment) return [];
    if (!this.held) {
      this.held = segment;
      return [];
    }
    if (
      this.held.length + segment.length <= this.maxHold &&
      (await this.crosses(this.held, segment))
    ) {
      this.held += segment;
      return [];
    }
    const ready = this.held;
    this.held = segment;
    return [ready];
  }

  /** What is still held, at the end of the stream. */
  flush(): string {
    const rest = this.held;
    this.held = '';
    return rest;
  }
}
