import { ChangeDetectionStrategy, Component, computed } from '@angular/core';
import type { ConnectionState } from 'smooth-operator-rx';
import { injectConnectionState } from 'smooth-operator-rx/angular';

/** The socket's state in words: what a user needs to know while the network misbehaves. */
export function describeConnection(state: ConnectionState): string {
  switch (state.status) {
    case 'idle':
      return 'not connected yet';
    case 'connecting':
      return state.attempt > 1 ? `connecting (attempt ${state.attempt})` : 'connecting';
    case 'open':
      return 'open';
    case 'reconnecting':
      return `reconnecting (attempt ${state.attempt})`;
    case 'closing':
      return 'closing';
    case 'closed':
      return state.why === 'idle' ? 'idle' : `closed (${state.why})`;
  }
}

@Component({
  selector: 'app-connection-status',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<span class="status" [attr.data-status]="state().status" data-testid="connection">{{ label() }}</span>`,
  styles: `
    .status { padding: 2px 8px; border-radius: 10px; font-size: 0.85em; background: #eee; }
    .status[data-status='open'] { background: #d9f2dc; }
    .status[data-status='reconnecting'], .status[data-status='connecting'] { background: #fff2cc; }
    .status[data-status='closed'] { background: #f8d7da; }
  `,
})
export class ConnectionStatusComponent {
  protected readonly state = injectConnectionState();
  protected readonly label = computed(() => describeConnection(this.state()));
}
