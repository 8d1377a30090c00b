import { Injectable } from '@nestjs/common';

/** Whether this replica's RPC server is reading requests (set by main.ts around its lifecycle). */
@Injectable()
export class RpcServerState {
  listening = false;
}
