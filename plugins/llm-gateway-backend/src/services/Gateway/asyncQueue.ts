/**
 * A one-producer, one-consumer queue of async events: the provider's stream
 * runs inside its circuit breaker and pushes here; the gateway's generator
 * pulls. `fail` ends it with the producer's error.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private waiting?: () => void;
  private ended = false;
  private error?: unknown;

  push(item: T) {
    this.items.push(item);
    this.wake();
  }

  close() {
    this.ended = true;
    this.wake();
  }

  fail(error: unknown) {
    this.error = error ?? new Error('stream failed');
    this.ended = true;
    this.wake();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.items.length > 0) {
        yield this.items.shift()!;
        continue;
      }
      if (this.ended) {
        if (this.error) throw this.error;
        return;
      }
      await new Promise<void>(resolve => {
        this.waiting = resolve;
      });
    }
  }

  private wake() {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }
}
