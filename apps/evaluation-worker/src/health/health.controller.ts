import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { WorkerState } from './worker-state';

@Controller('health')
export class HealthController {
  constructor(private readonly state: WorkerState) {}

  @Get('live')
  live(): { status: 'alive' } {
    return { status: 'alive' };
  }

  /** Ready once migrations ran and the BullMQ worker takes jobs. */
  @Get('ready')
  ready(): { status: 'ready' } {
    if (!this.state.processing) throw new ServiceUnavailableException({ status: 'not_ready' });
    return { status: 'ready' };
  }
}
