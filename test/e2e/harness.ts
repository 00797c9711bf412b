/**
 * The e2e harness: one headless Debian Chromium (driven by playwright-core), the built Angular
 * example behind a static server, and an embedded mock server per scenario, so every scenario
 * starts from a fresh conversation with its own script.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { startMockServer, type MockServer, type MockServerOptions, type ReceivedFrame } from '../../src/testing/mock-server/index.js';
import { startStaticServer, type StaticServer } from './static-server.js';

/** Flags for Debian's chromium here: without the background-networking ones it dials out and is refused. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Env {
  readonly browser: Browser;
  readonly app: StaticServer;
  readonly artifacts: string;
}

/** Starts the browser and the app's server; `artifacts` is emptied, so it holds this run's screenshots only. */
export async function startEnv(appDir: string, artifacts: string): Promise<Env> {
  await rm(artifacts, { recursive: true, force: true });
  await mkdir(artifacts, { recursive: true });
  const app = await startStaticServer(appDir);
  const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS }).catch(async (err: unknown) => {
    await app.close();
    throw err;
  });
  return { browser, app, artifacts };
}

export async function stopEnv(env: Env): Promise<void> {
  await env.browser.close();
  await env.app.close();
}

/** One scenario's page, its mock server, and the checks it needs. */
export class Chat {
  private shots = 0;
  /** Uncaught errors of the page: any fails the scenario. */
  readonly pageErrors: string[] = [];

  constructor(
    readonly page: Page,
    readonly server: MockServer,
    private readonly artifacts: string,
    private readonly scenario: string,
  ) {
    page.on('pageerror', (err) => this.pageErrors.push(err.message));
  }

  get connection(): Locator {
    return this.page.getByTestId('connection');
  }

  turn(index: number): Locator {
    return this.page.getByTestId('turn').nth(index);
  }

  answer(index: number): Locator {
    return this.turn(index).getByTestId('answer');
  }

  async send(message: string): Promise<void> {
    await this.page.getByTestId('message').fill(message);
    await this.page.getByTestId('send').click();
  }

  /** Waits until turn `index` shows `status` (waiting, streaming, awaiting-human, completed, cancelled, failed). */
  async waitForStatus(index: number, status: string, timeout?: number): Promise<void> {
    await this.turn(index).getByTestId('turn-status').filter({ hasText: new RegExp(`^${status}$`) }).waitFor(timeout === undefined ? {} : { timeout });
  }

  /** The frames the app sent with this action, in order. */
  sent(action: string): readonly ReceivedFrame[] {
    return this.server.received.filter((frame) => frame.action === action);
  }

  async screenshot(state: string): Promise<void> {
    this.shots += 1;
    const file = join(this.artifacts, `${this.scenario}-${String(this.shots).padStart(2, '0')}-${state}.png`);
    await this.page.screenshot({ path: file, fullPage: true });
  }

  /**
   * Records every text the connection status shows from now on, in the page (a MutationObserver),
   * so a state shown for a few milliseconds is not missed by polling.
   */
  async recordConnectionLabels(): Promise<void> {
    // A string, not a function: tsx's transform would wrap a function in helpers the page lacks.
    await this.page.evaluate(`(() => {
      const log = [];
      window.connectionLabels = log;
      const read = () => {
        const label = document.querySelector('[data-testid="connection"]')?.textContent?.trim() ?? '';
        if (log[log.length - 1] !== label) log.push(label);
      };
      read();
      new MutationObserver(read).observe(document.body, { subtree: true, childList: true, characterData: true });
    })()`);
  }

  async connectionLabels(): Promise<string[]> {
    return this.page.evaluate(() => (window as unknown as { connectionLabels?: string[] }).connectionLabels ?? []);
  }
}

/** Runs `body` on a new page of the app, connected to a new mock server; both are closed after it. */
export async function withChat(env: Env, scenario: string, options: MockServerOptions, body: (chat: Chat) => Promise<void>): Promise<void> {
  const server = await startMockServer(options);
  const context = await env.browser.newContext({ viewport: { width: 900, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const chat = new Chat(page, server, env.artifacts, scenario);
  try {
    await page.goto(`${env.app.origin}/?server=${encodeURIComponent(server.url)}`);
    await page.getByTestId('message').waitFor();
    await body(chat);
    if (chat.pageErrors.length > 0) throw new Error(`uncaught errors in the page: ${chat.pageErrors.join(' | ')}`);
  } catch (err) {
    await chat.screenshot('failure').catch(() => undefined);
    throw err;
  } finally {
    await context.close();
    await server.close();
  }
}
