/**
 * The sandbox page in a real browser (Debian's Chromium through playwright-core, never a
 * downloaded one): a report from /report-incident, triage on the card, the head of department
 * acting from a DM, the clock moved to a reminder, the guided tour; with the page's speed measured.
 * Without a Chromium the tests are skipped, and say so.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/sandbox/org';
import { startSandbox, type TestSandbox } from './start-sandbox';

/** CHROMIUM_PATH, when set, is the only one tried (set it to nothing to see the skip). */
const LOOKED_AT =
  process.env.CHROMIUM_PATH !== undefined
    ? [process.env.CHROMIUM_PATH]
    : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
const CHROMIUM = LOOKED_AT.find((p) => p !== '' && existsSync(p));
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** `SANDBOX_SCREENSHOTS=docs/screenshots npx vitest run test/sandbox/browser.test.ts` refreshes the README's pictures. */
const SHOTS = process.env.SANDBOX_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'vigil-shots-'));
/**
 * The targets (README's performance table) are 1 s to interactive and 300 ms a click on a quiet
 * machine; they are printed each run. The test fails only past ten times that, which means broken
 * rather than slow: a loaded CI machine must not fail a suite on a timing (speed is the bench's).
 * `SANDBOX_SPEED_STRICT=1` holds the run to the targets themselves.
 */
const STRICT = process.env.SANDBOX_SPEED_STRICT === '1';
const CLICK_BUDGET_MS = STRICT ? 300 : 3000;
const READY_BUDGET_MS = STRICT ? 1000 : 10_000;

/**
 * Page-side timer (a string: the test's types know no DOM): from the next pointer, key or choice
 * event to the first moment `until` (a page expression) holds.
 */
const probe = (until: string) => `void (window.vigilProbe = new Promise((resolve) => {
  let start = 0;
  const began = () => { start = start || performance.now(); };
  for (const type of ['pointerdown', 'keydown', 'change']) document.addEventListener(type, began, { capture: true, once: true });
  new MutationObserver((_, observer) => {
    if (start && (${until})) { observer.disconnect(); resolve(performance.now() - start); }
  }).observe(document.documentElement, { childList: true, subtree: true, characterData: true });
}));`;

/** A page expression: an element matching `css` that contains `text` is on the page. */
const shows = (css: string, text = '') =>
  `[...document.querySelectorAll(${JSON.stringify(css)})].some((e) => e.textContent.includes(${JSON.stringify(text)}))`;

if (!CHROMIUM)
  process.stderr.write(
    `\nBrowser tests SKIPPED: no Chromium at ${LOOKED_AT.map((p) => p || '(empty CHROMIUM_PATH)').join(' or ')} (apt-get install chromium, or set CHROMIUM_PATH).\n\n`,
  );

if (!CHROMIUM)
  describe('the sandbox page in Chromium', () => {
    it.skip('SKIPPED: no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)', () => undefined);
  });

describe.skipIf(!CHROMIUM)('the sandbox page in Chromium', () => {
  let t: TestSandbox;
  let browser: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const clicks: { what: string; ms: number }[] = [];
  let readyMs = Number.NaN;

  /**
   * Does `action` and waits until `until` (a page expression, see `shows`) holds. Timed inside the
   * page, from the person's click, key or choice to the change on screen, as they would see it;
   * the browser-driving overhead of the test is not the page's.
   */
  async function timed(what: string, action: () => Promise<unknown>, until: string): Promise<void> {
    await page.evaluate(probe(until));
    await action();
    const ms = Number(await page.evaluate('window.vigilProbe'));
    clicks.push({ what, ms: Math.round(ms) });
  }
  const pane = () => page.locator('.pane-body');
  const card = () => pane().locator('article', { hasText: 'INC-2026-0001 · Laptop left on a train' });
  const shot = async (name: string) => {
    await page.evaluate("document.querySelector('.toasts')?.replaceChildren()");
    await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  };
  const become = async (id: string) => {
    await page.selectOption('#persona', id);
    await page.locator(`#persona option[value="${id}"]:checked`).waitFor({ state: 'attached' });
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    t = await startSandbox();
    browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'vigil-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1400, height: 900 },
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('dialog', (d) => {
      problems.push(`a dialog opened: ${d.message()}`);
      void d.dismiss();
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    const sorted = clicks.map((c) => c.ms).sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    process.stdout.write(
      `\n[sandbox speed] page interactive after ${readyMs} ms; click → result median ${median} ms, max ${sorted.at(-1)} ms over ${sorted.length} clicks:\n` +
        `${clicks.map((c) => `  ${c.what}: ${c.ms} ms`).join('\n')}\n[sandbox screenshots] ${SHOTS}\n`,
    );
  });

  it('opens as a member of staff within a second, in #general, without the private channel', async () => {
    await page.goto(`${t.url}/#as=${DEMO.staff.id}&c=C0GENERAL`);
    await page.locator('html[data-ready-at]').waitFor({ state: 'attached' });
    readyMs = Number(await page.locator('html').getAttribute('data-ready-at'));
    expect(readyMs).toBeLessThan(READY_BUDGET_MS);
    await expect.poll(() => page.locator('.nav-item').allTextContents()).toEqual(['# general', '🛡 Vigil']);
    expect(await page.locator('.pane .compose-input').getAttribute('placeholder')).toContain(
      '/report-incident',
    );
  });

  it('reports a lost laptop with /report-incident: required fields, a conditional question, a reference', async () => {
    const box = page.locator('.pane .compose-input');
    await box.fill('/report-incident Laptop left on a train');
    await timed('/report-incident → the form', () => box.press('Enter'), shows('.modal'));
    expect(await page.inputValue('input[name="title:value"]')).toBe('Laptop left on a train');
    await page.click('.modal button[type="submit"]');
    expect(await page.locator('[data-block="description"] .kit-error').textContent()).toBe(
      'Please complete this required field.',
    );
    await page.selectOption('select[name="category:value"]', 'device_loss');
    await page.fill('textarea[name="description:value"]', 'Left my work laptop on the 08:12 to Leeds.');
    await page.selectOption('select[name="department:value"]', 'Finance');
    await page.fill('input[name="location:value"]', '<img src=x onerror=alert(1)> *this* <!channel>');
    await timed(
      'choose “In the post” → its follow-up questions',
      () => page.selectOption('select[name="lossLocation:report_loss_location"]', 'post'),
      shows('[data-block^="lossDetails."]'),
    );
    expect(await page.inputValue('textarea[name="description:value"]')).toBe(
      'Left my work laptop on the 08:12 to Leeds.',
    );
    await shot('report-form');
    await timed(
      'Send report → the reference',
      () => page.click('.modal button[type="submit"]'),
      shows('.modal', 'INC-2026-0001'),
    );
    await page.click('.modal footer button.secondary');
    await page.locator('.modal').waitFor({ state: 'detached' });
    await page.click('.nav-item[data-conversation="vigil"]');
    await pane().locator('article', { hasText: 'INC-2026-0001' }).first().waitFor();
  });

  it('triages it as the SIRO on the card, and the card changes in place', async () => {
    await become(DEMO.siro.id);
    await page.click('.nav-item[data-conversation="security-incidents"]');
    await card().waitFor();
    expect(await card().textContent()).toContain('Reported, awaiting triage');
    // Mentions are names, and the reporter's typed text stays text.
    expect(
      await card()
        .locator('.mention', { hasText: /^@Sam Taylor$/ })
        .count(),
    ).toBeGreaterThan(0);
    // (Slack itself would show *this* in bold: only `&`, `<` and `>` are escaped in mrkdwn.)
    expect(await card().textContent()).toContain('<img src=x onerror=alert(1)> this <!channel>');
    expect(
      await card()
        .locator('b', { hasText: /^this$/ })
        .count(),
    ).toBe(1);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    // One primary action; the rest wait in the card's "More…" menu.
    expect(await card().locator('select[data-action="card_more"] option').allTextContents()).toContain(
      'Escalate to the SIRO and MD',
    );
    await timed(
      'Triage → the form',
      () => card().locator('button[data-label="Triage"]').click(),
      shows('.modal'),
    );
    await page.selectOption('select[name="severity:value"]', 'critical');
    await page.selectOption('select[name="priority:value"]', 'P1');
    await page.fill('textarea[name="rationale:value"]', 'Customer data on an unencrypted laptop.');
    await timed(
      'Save decision → the card changed',
      () => page.click('.modal button[type="submit"]'),
      shows('.pane-body article', 'Customer data on an unencrypted laptop.'),
    );
    expect(await card().textContent()).toContain('Triaged');
    await shot('triage-card');
  });

  it('acts on a DM as the head of department, who cannot see the card', async () => {
    await timed(
      'Add action → the form',
      () => card().locator('select[data-action="card_more"]').selectOption('card_add_action'),
      shows('.modal'),
    );
    await page.fill('textarea[name="description:value"]', 'Wipe the laptop remotely.');
    await page.selectOption('select[name="ownerId:value"]', DEMO.hodFinance.id);
    await page.fill('input[name="dueAt:value"]', '2026-03-12');
    await page.click('.modal button[type="submit"]');
    await page.locator('.modal').waitFor({ state: 'detached' });
    await become(DEMO.hodFinance.id);
    await expect.poll(() => page.locator('.nav-item').allTextContents()).toEqual(['# general', '🛡 Vigil']);
    await page.click('.nav-item[data-conversation="vigil"]');
    const dm = pane().locator('article', { hasText: 'You own a corrective action' });
    await dm.waitFor();
    await timed(
      'Done in the DM → Vigil’s answer',
      () => dm.locator('button[data-label="Done"]').click(),
      // Vigil answers the owner, or edits the DM so it no longer asks (either is the click's result).
      `${shows('.message.ephemeral')} || !document.querySelector('.pane-body button[data-label="Done"]')`,
    );
    await shot('hod-dm');
    await become(DEMO.siro.id);
    await page.click('.nav-item[data-conversation="security-incidents"]');
    await expect.poll(async () => card().textContent()).toContain('1 of 1 done');
  });

  it('moves the clock to the next working day and shows the reminder', async () => {
    await become(DEMO.hodFinance.id);
    await page.click('.nav-item[data-conversation="vigil"]');
    const before = await page.locator('.clock-time').textContent();
    await timed(
      'Next working day → the reminder',
      () => page.click('button[data-jump="workday"]'),
      shows('.pane-body article', 'needs your attention'),
    );
    expect(await page.locator('.clock-time').textContent()).not.toBe(before);
    expect(await page.locator('.clock-time').textContent()).toContain('11 Mar 2026, 09:0');
  });

  it('shows App Home for the SIRO', async () => {
    await become(DEMO.siro.id);
    await page.click('.nav-item[data-conversation="vigil"]');
    await timed(
      'Home tab → App Home',
      () => page.click('button[data-tab="home"]'),
      shows('.home', 'Open incidents'),
    );
    await shot('app-home');
  });

  it('reports a message posted in #general from its ⋯ menu, and answers /incident help only to who asked', async () => {
    await become(DEMO.staff2.id);
    await page.click('.nav-item[data-conversation="general"]');
    const box = page.locator('.pane .compose-input');
    await box.fill('Did anyone else get a mail asking for their password?');
    await box.press('Enter');
    const posted = pane().locator('article', { hasText: 'asking for their password' });
    await posted.hover();
    await posted.locator('button[aria-label="More actions"]').click();
    await timed(
      'Report this message → the form',
      () => posted.locator('button[data-label="Report this message"]').click(),
      shows('.modal'),
    );
    expect(await page.inputValue('textarea[name="description:value"]')).toContain(
      'asking for their password',
    );
    await page.click('.modal header button[aria-label="Close"]');
    await page.locator('.modal').waitFor({ state: 'detached' });
    await box.fill('/incident help');
    await box.press('Enter');
    await pane().locator('.message.ephemeral', { hasText: '/incident' }).first().waitFor();
    await become(DEMO.staff.id);
    await expect.poll(() => pane().locator('.message.ephemeral').count()).toBe(0);
  });

  it('starts again from the reset button and plays the guided tour', async () => {
    await page.click('.topbar button:text("Reset")');
    await page.click('.dialog-root button.danger');
    await expect.poll(() => page.locator('.pane-body article').count()).toBe(0);
    await page.click('.topbar button:text("Guided tour")');
    await page.locator('.tour :text("Step 1 of")').waitFor();
    await page.click('.tour [data-tour="run"]');
    await page.locator('.modal').waitFor();
    expect(await page.locator('#persona').inputValue()).toBe(DEMO.staff.id);
    await page.click('.tour [data-tour="next"]');
    await page.click('.tour [data-tour="run"]');
    await page.locator('.modal :text("INC-2026-0001")').waitFor();
    await page.click('.modal footer button.secondary');
    for (let step = 3; step <= 4; step++) {
      await page.click('.tour [data-tour="next"]');
      if (step === 4) await page.locator('.pointed[data-label="Triage"]').waitFor();
    }
    await shot('guided-tour');
    expect(problems).toEqual([]);
  });

  it('is quick: interactive within 1 s, and each click shows its result within 300 ms (printed; strict with SANDBOX_SPEED_STRICT=1)', () => {
    expect(problems).toEqual([]);
    expect(readyMs).toBeLessThan(READY_BUDGET_MS);
    for (const c of clicks) expect(c.ms, c.what).toBeLessThan(CLICK_BUDGET_MS);
  });
});
