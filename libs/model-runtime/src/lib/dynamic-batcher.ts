import type { Prediction } from '@sentiment-ops/contracts';
import type { PartialPredictionsListener } from './model-runtime';

interface PendingRequest {
  texts: readonly string[];
  resolve: (predictions: Prediction[]) => void;
  reject: (error: unknown) => void;
}

/** Runs texts through the model; may report finished parts early through `onPartial`. */
export type BatchRunner = (texts: string[], onPartial: PartialPredictionsListener) => Promise<Prediction[]>;

export interface BatchRun {
  requests: number;
  items: number;
}

/**
 * Merges the requests that arrive together into one model call. Requests submitted in the same
 * turn of the event loop (the transport dispatches a whole stream read at once) are flushed
 * together on `setImmediate`; while a model call runs, new requests queue up and go in the next
 * call. One call at a time, because ONNX Runtime already uses every configured thread.
 * With `waitMs` > 0 the batcher keeps calls full under load: within `waitMs` of the end of a call
 * that served several requests, the next call waits (at most until that deadline) for as many
 * items as the last call and its queue held, because the clients just answered tend to come
 * straight back. After a call of one request (one client) or an idle gap, nothing ever waits.
 */
export class DynamicBatcher {
  private queue: PendingRequest[] = [];
  private scheduled = false;
  private running = false;
  private waitTimer?: NodeJS.Timeout;
  private lastCallEndedAt = 0;
  /** Items the last call served plus those queued when it ended: who is likely to come back. */
  private expectedItems = 0;

  constructor(
    private readonly run: BatchRunner,
    /** Items per model call; one request larger than this still runs whole. */
    private readonly maxItems: number,
    private readonly onBatch?: (batch: BatchRun) => void,
    private readonly waitMs = 0,
  ) {}

  submit(texts: readonly string[]): Promise<Prediction[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ texts, resolve, reject });
      this.schedule();
    });
  }

  get pendingRequests(): number {
    return this.queue.length;
  }

  private schedule(): void {
    if (this.running) return;
    const waitUntil = this.waitDeadline();
    if (this.waitTimer && waitUntil === undefined) {
      clearTimeout(this.waitTimer);
      this.waitTimer = undefined;
      this.scheduled = false;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    const flush = (): void => {
      this.scheduled = false;
      this.waitTimer = undefined;
      void this.flush();
    };
    if (waitUntil === undefined) setImmediate(flush);
    else this.waitTimer = setTimeout(flush, waitUntil - Date.now());
  }

  /** When the next call should start if it is worth waiting for company; undefined: start now. */
  private waitDeadline(): number | undefined {
    if (this.waitMs <= 0 || this.expectedItems <= 1) return undefined;
    const deadline = this.lastCallEndedAt + this.waitMs;
    const queued = this.queuedItems();
    if (Date.now() >= deadline || queued >= this.expectedItems || queued >= this.maxItems) return undefined;
    return deadline;
  }

  private async flush(): Promise<void> {
    const batch = this.takeBatch();
    if (batch.length === 0) return;
    this.running = true;
    const texts = batch.flatMap((request) => [...request.texts]);
    this.onBatch?.({ requests: batch.length, items: texts.length });
    // Answer each request as soon as all its texts are computed (the runtime works in sorted
    // sub-batches), so its client can send its next request while this call still runs.
    const owner: number[] = [];
    const starts: number[] = [];
    const remaining = batch.map((request, r) => {
      starts.push(owner.length);
      for (let i = 0; i < request.texts.length; i++) owner.push(r);
      return request.texts.length;
    });
    const partial: Prediction[] = new Array(texts.length);
    const settle = (r: number): void => {
      remaining[r] = -1;
      batch[r].resolve(partial.slice(starts[r], starts[r] + batch[r].texts.length));
    };
    try {
      const predictions = await this.run(texts, (indices, done) => {
        indices.forEach((index, i) => {
          partial[index] = done[i];
          const r = owner[index];
          if (--remaining[r] === 0) settle(r);
        });
      });
      predictions.forEach((prediction, index) => (partial[index] = prediction));
      batch.forEach((_, r) => {
        if (remaining[r] !== -1) settle(r);
      });
    } catch (error) {
      batch.forEach((request, r) => {
        if (remaining[r] !== -1) request.reject(error);
      });
    } finally {
      this.running = false;
      this.lastCallEndedAt = Date.now();
      this.expectedItems = Math.min(this.maxItems, texts.length + this.queuedItems());
      if (this.queue.length > 0) this.schedule();
    }
  }

  private queuedItems(): number {
    return this.queue.reduce((sum, request) => sum + request.texts.length, 0);
  }

  private takeBatch(): PendingRequest[] {
    const batch: PendingRequest[] = [];
    let items = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0];
      if (batch.length > 0 && items + next.texts.length > this.maxItems) break;
      batch.push(next);
      items += next.texts.length;
      this.queue.shift();
    }
    return batch;
  }
}
