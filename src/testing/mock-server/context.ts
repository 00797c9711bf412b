/** State shared by every connection of one mock server. */
import type { FaultState } from './faults.js';
import type { ResolvedMockServerOptions } from './options.js';
import type { ScriptedModel } from './model.js';
import type { SessionStore } from './session-store.js';
import type { Turn } from './turn-runner.js';

export interface ServerContext {
  readonly options: ResolvedMockServerOptions;
  readonly store: SessionStore;
  readonly model: ScriptedModel;
  /** The run-time fault knobs (`server.faults`). */
  readonly faults: FaultState;
  /** Every turn running or parked, on any connection. */
  readonly turns: Set<Turn>;
  /** Index of the next accepted turn, server-wide (what `faults.turns` refers to). */
  nextTurnIndex(): number;
}
