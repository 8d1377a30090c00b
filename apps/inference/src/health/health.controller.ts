import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ModelService } from '../model/model.service';
import { RpcServerState } from './rpc-server-state';

/** Kubernetes-style probes of this replica (the gateway's /health covers the whole system). */
@Controller('health')
export class HealthController {
  constructor(
    private readonly models: ModelService,
    private readonly rpcState: RpcServerState,
  ) {}

  /** The process answers: cheap, no dependency checks. */
  @Get('live')
  live(): { status: 'alive' } {
    return { status: 'alive' };
  }

  /** Ready once the default model is loaded and the replica reads requests. */
  @Get('ready')
  ready(): { status: 'ready'; model: string; version: string } {
    const model = this.models.defaultModel;
    if (!model || !this.rpcState.listening) {
      throw new ServiceUnavailableException({ status: 'not_ready', model: model ? 'loaded' : 'loading', rpc: this.rpcState.listening ? 'listening' : 'stopped' });
    }
    return { status: 'ready', model: model.descriptor.name, version: model.descriptor.version };
  }
}
