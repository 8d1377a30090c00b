import { Controller, type DynamicModule, Inject, type INestMicroservice, Logger, type LogLevel, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import type { RedisStreamsServerOptions } from '../options';
import type { RedisStreamsContext } from '../redis-streams.context';
import { RedisStreamsServer } from '../redis-streams.server';

/** Pattern served by test workers. */
export const WORK_PATTERN = 'test.work';
export const WORK_EVENT = 'test.event';

export type WorkHandler = (data: unknown, ctx: RedisStreamsContext) => unknown;

export interface WorkCall {
  data: unknown;
  entryId: string;
  lane: string;
  deliveryCount: number;
  consumer: string;
  startedAt: number;
}

/** What one worker saw; tests assert on it (never on our internals). */
export class WorkRecorder {
  readonly calls: WorkCall[] = [];
  readonly events: unknown[] = [];

  record(data: unknown, ctx: RedisStreamsContext): void {
    this.calls.push({ data, entryId: ctx.entryId, lane: ctx.lane, deliveryCount: ctx.deliveryCount, consumer: ctx.consumer, startedAt: Date.now() });
  }
}

/** Nest's logger option is process-wide; quiet unless REDIS_RPC_TEST_LOGS=1. */
export const testLogger = (): false | LogLevel[] => (process.env['REDIS_RPC_TEST_LOGS'] ? ['log', 'warn', 'error', 'debug'] : false);

/** Applies `testLogger()` to the static Nest Logger (for clients created outside a Nest app). */
export const useTestLogger = (): void => {
  Logger.overrideLogger(testLogger());
};

const WORK_HANDLER = Symbol('WORK_HANDLER');
const WORK_RECORDER = Symbol('WORK_RECORDER');

@Controller()
class WorkController {
  constructor(
    @Inject(WORK_HANDLER) private readonly handler: WorkHandler,
    @Inject(WORK_RECORDER) private readonly recorder: WorkRecorder,
  ) {}

  @MessagePattern(WORK_PATTERN)
  work(@Payload() data: unknown, @Ctx() ctx: RedisStreamsContext): unknown {
    this.recorder.record(data, ctx);
    return this.handler(data, ctx);
  }

  @EventPattern(WORK_EVENT)
  event(@Payload() data: unknown): void {
    this.recorder.events.push(data);
  }
}

@Module({})
class WorkModule {
  static with(handler: WorkHandler, recorder: WorkRecorder): DynamicModule {
    return {
      module: WorkModule,
      controllers: [WorkController],
      providers: [
        { provide: WORK_HANDLER, useValue: handler },
        { provide: WORK_RECORDER, useValue: recorder },
      ],
    };
  }
}

export interface TestWorker {
  app: INestMicroservice;
  server: RedisStreamsServer;
  recorder: WorkRecorder;
  close(): Promise<void>;
}

/** A real Nest microservice on our strategy, serving WORK_PATTERN with `handler`. */
export const startTestWorker = async (options: RedisStreamsServerOptions, handler: WorkHandler = (data) => data): Promise<TestWorker> => {
  const recorder = new WorkRecorder();
  const server = new RedisStreamsServer(options);
  const app = await NestFactory.createMicroservice(WorkModule.with(handler, recorder), { strategy: server, logger: testLogger() });
  await app.listen();
  let closed: Promise<void> | undefined;
  return { app, server, recorder, close: () => (closed ??= app.close()) };
};
