import { Injectable } from '@nestjs/common';

@Injectable()
export class WorkerState {
  processing = false;
}
