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
    public server: MockServer,
    private readonly options: MockServerOptions,
    private readonly artifacts: string,
    private readonly scenario: string,
  ) {
    page.on('pageerror', (err) => this.pageErrors.push(err.message));
  }

  get connection(): Locator {
    return this.page.getByTestId('connection');
  }

  get banner(): Locator {
    return this.page.getByTestId('banner');
  }

  /** The agent's `index`th message (0 = the first answer on the page). */
  turn(index: number): Locator {
    return this.page.locator('[data-testid="chat-message"][data-role="assistant"]').nth(index);
  }

  /** The user's `index`th message. */
  userMessage(index: number): Locator {
    return this.page.locator('[data-testid="chat-message"][data-role="user"]').nth(index);
  }

  answer(index: number): Locator {
    return this.turn(index).getByTestId('answer');
  }

  /**
   * The server process restarts: this one stops, a new one with the same options listens on the
   * same port. In memory, as the mock server keeps them, the conversations are gone.
   */
  async restartServer(): Promise<void> {
    const port = this.server.port;
    await this.server.close();
    this.server = await startMockServer({ ...this.options, port });
  }

  /** The header and the banner under it, as read on screen. */
  async headerText(): Promise<string> {
    const header = await this.page.locator('header').innerText();
    const banner = (await this.banner.count()) > 0 ? await this.banner.innerText() : '';
    return `${header}\n${banner}`;
  }

  /** The chat's status, in the words of the header. */
  async status(): Promise<string> {
    return ((await this.page.getByTestId('chat-status').textContent()) ?? '').trim();
  }

  /** The conversation the page keeps (in localStorage) for a reload. */
  async conversationId(): Promise<string | undefined> {
    return (await this.page.evaluate(`Object.keys(localStorage).filter((k) => k.startsWith('smooth-operator-rx:chat:')).map((k) => localStorage.getItem(k))[0]`)) as string | undefined;
  }

  /** Whether the element is on screen: inside the window and, within the message list, inside its visible part. */
  async visible(locator: Locator): Promise<boolean> {
    return locator.evaluate((el) => {
      const box = el.getBoundingClientRect();
      const list = el.closest('[data-testid="messages"]');
      const frame = list === null ? { top: 0, bottom: window.innerHeight } : list.getBoundingClientRect();
      return box.height > 0 && box.top >= Math.max(0, frame.top) - 1 && box.bottom <= Math.min(window.innerHeight, frame.bottom) + 1;
    });
  }

  async send(message: string): Promise<void> {
    await this.page.getByTestId('message').fill(message);
    await this.page.getByTestId('send').click();
  }

  /** Waits until answer `index` is `status` (streaming, awaiting-human, complete, cancelled, interrupted, failed, history). */
  async waitForStatus(index: number, status: string, timeout?: number): Promise<void> {
    const end = Date.now() + (timeout ?? 15_000);
    let seen: string | null = null;
    while (Date.now() < end) {
      seen = (await this.turn(index).count()) > 0 ? await this.turn(index).getAttribute('data-status') : null;
      if (seen === status) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`answer ${index} is ${String(seen)}, not ${status}`);
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
   * Records every text the connection status shows from now on (the header's pill, or the banner
   * that takes its place while offline), in the page (a MutationObserver), so a state shown for a
   * few milliseconds is not missed by polling.
   */
  async recordConnectionLabels(): Promise<void> {
    // A string, not a function: tsx's transform would wrap a function in helpers the page lacks.
    await this.page.evaluate(`(() => {
      const log = [];
      window.connectionLabels = log;
      const read = () => {
        const shown = document.querySelector('[data-testid="banner"]') ?? document.querySelector('[data-testid="connection"]');
        const label = shown?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
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
  const chat = new Chat(page, server, options, env.artifacts, scenario);
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
    await chat.server.close();
  }
}
