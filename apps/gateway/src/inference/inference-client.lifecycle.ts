import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { InferenceClient } from '@sentiment-ops/inference-client';

/** Closes the inference client's Redis connections when the app shuts down. */
@Injectable()
export class InferenceClientLifecycle implements OnApplicationShutdown {
  constructor(private readonly client: InferenceClient) {}

  onApplicationShutdown(): Promise<void> {
    return this.client.close();
  }
}
