import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { BehaviorSubject, type Observable, type Subscription } from 'rxjs';
import type { Connector } from '../connectors/connector.interface.js';
import { ConnectorRegistry } from '../connectors/connector.registry.js';

export interface AiTool {
  readonly id: string;
  readonly connector: string;
  readonly description: string;
}

/**
 * The tools the AI assistant may call: two per connector usable now. Derived from
 * `ConnectorRegistry.visible$`, so it follows `license.changed` and connector changes (the
 * licensed toggle) as they happen, never polled.
 */
@Injectable()
export class AiToolRegistry implements OnModuleDestroy {
  private readonly tools = new BehaviorSubject<readonly AiTool[]>([]);
  private readonly subscription: Subscription;

  constructor(connectors: ConnectorRegistry) {
    this.subscription = connectors.visible$.subscribe((visible) => this.tools.next(toolsOf(visible)));
  }

  visible(): readonly AiTool[] {
    return this.tools.value;
  }

  get visible$(): Observable<readonly AiTool[]> {
    return this.tools.asObservable();
  }

  onModuleDestroy(): void {
    this.subscription.unsubscribe();
    this.tools.complete();
  }
}

function toolsOf(connectors: readonly Connector[]): readonly AiTool[] {
  return Object.freeze(
    connectors.flatMap((c) => [
      { id: `${c.id}.query`, connector: c.id, description: `Run a read-only query on ${c.name}` },
      { id: `${c.id}.describe`, connector: c.id, description: `List the tables and fields of ${c.name}` },
    ]),
  );
}
