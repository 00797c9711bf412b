import { ChangeDetectionStrategy, Component, computed } from '@angular/core';
import { injectConnectionState } from 'smooth-operator-rx/angular';
import { describeConnection } from './words';

@Component({
  selector: 'app-connection-status',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<span class="pill" [attr.data-status]="state().status" [attr.data-why]="state().status === 'closed' ? why() : null" data-testid="connection">{{ label() }}</span>`,
  styles: `
    .pill { padding: 3px 10px; border-radius: 999px; font-size: 0.8em; background: #e8e8e8; color: #333; white-space: nowrap; }
    .pill[data-status='open'], .pill[data-status='closed'] { background: #dcf3e0; color: #185c26; }
    .pill[data-why='fatal'], .pill[data-why='retries-exhausted'] { background: #f8d7da; color: #842029; }
    .pill[data-status='reconnecting'], .pill[data-status='connecting'] { background: #fff1c2; color: #6b4e00; }
  `,
})
export class ConnectionStatusComponent {
  protected readonly state = injectConnectionState();
  protected readonly why = computed(() => { const state = this.state(); return state.status === 'closed' ? state.why : undefined; });
  protected readonly label = computed(() => describeConnection(this.state()));
}
