import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { ArgumentsHost, INestApplication } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AccessLevel } from '../auth/access.decorators';
import type { RouteAccess } from '../auth/route-access';
import { AccessGuard } from '../auth/access.guard';
import { HttpExceptionFilter } from '../common/http-exception.filter';
import { EVALUATION_QUEUE } from '../evaluations/evaluation-queue.provider';
import { MONITORING_QUEUE } from '../monitoring/monitoring-queue.provider';

/** Where Bull Board (the operators' job UI) is mounted on the gateway's Express instance. */
export const QUEUE_BOARD_PATH = '/admin/queues';

/** Bull Board is an Express router, not a Nest controller: its access level is declared here (and in the route table). */
export const QUEUE_BOARD_ACCESS: AccessLevel = { kind: 'role', role: 'admin' };

/** The board's line in the route table (every method, every path under QUEUE_BOARD_PATH). */
export const QUEUE_BOARD_ROUTE: RouteAccess = { method: 'ALL', path: `${QUEUE_BOARD_PATH}/*`, access: QUEUE_BOARD_ACCESS };

/**
 * Express middleware that applies the global AccessGuard's role check (same key store, hashing,
 * rate limits and failure metrics) and answers refusals through the same exception filter, so a
 * refused board request looks exactly like a refused API request (401 with WWW-Authenticate, 403).
 */
export const requireBoardAccess = (guard: AccessGuard, filter: HttpExceptionFilter): RequestHandler => {
  if (QUEUE_BOARD_ACCESS.kind !== 'role') throw new Error('the queue board needs a role-based access level');
  const { role } = QUEUE_BOARD_ACCESS;
  return (req: Request, res: Response, next: NextFunction) => {
    guard.checkRole(req, res, role).then(
      () => next(),
      (error: unknown) => {
        const host = { switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }) } as unknown as ArgumentsHost;
        filter.catch(error, host);
      },
    );
  };
};

/** Mounts Bull Board at QUEUE_BOARD_PATH showing the evaluation and monitoring queues, admin key required. */
export const mountQueueBoard = (app: INestApplication): void => {
  const board = new ExpressAdapter();
  board.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: [new BullMQAdapter(app.get<Queue>(EVALUATION_QUEUE)), new BullMQAdapter(app.get<Queue>(MONITORING_QUEUE))],
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'sentiment-ops queues' } },
  });
  app.use(QUEUE_BOARD_PATH, requireBoardAccess(app.get(AccessGuard), new HttpExceptionFilter()), board.getRouter());
};
