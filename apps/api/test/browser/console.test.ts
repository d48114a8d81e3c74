import { readFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoScenarioFor } from "@orch/core";
import { startFakeDatadog, startFakeOpenAI, type FakeDatadog, type FakeOpenAI } from "@orch/testkit";
import {
  OTHER_TOKEN,
  TOKEN,
  startHarness,
  submitJob,
  waitForJob,
  type Harness,
} from "../support/orchestrator-harness.js";
import { SCREENSHOTS, hasChromium, launchBrowser, openPage } from "./support/browser.js";
import { HOSTS, SHOP, SHOP_PLAN } from "./support/breakdown-scenario.js";
import { buildConsole } from "./support/console-build.js";
import {
  CRITICAL_SHADE,
  DEPLOY_PURPLE,
  RECORD_VIOLATIONS,
  SERIES_BLUE,
  inPage,
  pixelCounts,
} from "./support/page-probes.js";

interface EvidenceSeries {
  id: string;
  metric: string;
  limit_of: string | null;
  points: Array<[number, number | null]>;
}

/**
 * The web console in a real headless Chromium against the whole service (API, workers, Redis, fake
 * Datadog and fake OpenAI): sign-in, asking, the live stream and its resumption, the answer with
 * charts that really drew, the trace, cancelling, a refused token, another token's job.
 * Screenshots go to test-artifacts/screenshots/.
 */
describe.skipIf(!hasChromium)("the web console in a browser", () => {
  let h: Harness;
  let datadog: FakeDatadog;
  let openai: FakeOpenAI;
  let browser: Browser;
  let built: Awaited<ReturnType<typeof buildConsole>>;
  let incidentJob: string;

  beforeAll(async () => {
    [built, datadog, openai] = await Promise.all([
      buildConsole(),
      startFakeDatadog({ scenarios: (service) => (service === "shop" ? SHOP : demoScenarioFor(service)) }),
      startFakeOpenAI(),
    ]);
    h = await startHarness({
      consoleDir: built.dir,
      env: {
        DATADOG_API_KEY: datadog.apiKey,
        DATADOG_APP_KEY: datadog.appKey,
        DATADOG_API_URL: datadog.url,
        OPENAI_API_KEY: openai.apiKey,
        OPENAI_BASE_URL: openai.url,
      },
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await Promise.all([datadog?.close(), openai?.close()]);
    built?.remove();
  });

  /** A signed-in page, recording CSP violations and console errors. */
  async function signedIn(context: BrowserContext, token = TOKEN) {
    await context.addInitScript({ content: RECORD_VIOLATIONS });
    const { page, elsewhere } = await openPage(context, h.base);
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.goto(`${h.base}/`);
    await page.getByLabel("API token").fill(token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator("#service_id").waitFor();
    return { page, elsewhere, errors };
  }

  async function ask(page: Page, service: string, question: string, offline: boolean): Promise<string> {
    await page.getByLabel("Service").fill(service);
    await page.getByLabel("Question").fill(question);
    if (offline) await page.getByLabel(/offline analyst/).check();
    await page.getByRole("button", { name: "Ask", exact: true }).click();
    await page.waitForURL(/#\/jobs\//);
    return decodeURIComponent(new URL(page.url()).hash.replace("#/jobs/", ""));
  }

  const violations = (page: Page) => inPage<string[]>(page, "window.violations");

  it("asks, shows the phases live, then the answer with findings, charts that really drew, and the trace", async () => {
    // Execution's reads take a while (however loaded the machine), so the page is seen while the job runs.
    datadog.inject({ kind: "slow", delay_ms: 4000, path: "/api/v1/query", times: Infinity });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const { page, elsewhere, errors } = await signedIn(context);
    incidentJob = await ask(page, "api-gateway", "Why are 5xx errors up?", true);

    await page.locator('.phase[data-phase="execution"][data-state="running"]').waitFor({ timeout: 60_000 });
    expect(await page.locator('.phase[data-phase="planning"]').getAttribute("data-state")).toBe("done");
    expect(await page.locator('.phase[data-phase="planning"] .step').count()).toBeGreaterThan(0);
    expect(await page.locator(".stream-state").innerText()).toBe("Live");
    await page.screenshot({ path: `${SCREENSHOTS}console-live-job.png` });
    datadog.reset();

    await page.locator(".answer .direct-answer").waitFor({ timeout: 60_000 });
    expect(await page.locator(".direct-answer").innerText()).toMatch(/api-gateway/);
    expect(await page.locator(".job-head .badge").innerText()).toBe("completed");
    const critical = page.locator(".finding.severity-critical");
    expect(await critical.count()).toBeGreaterThanOrEqual(2);
    expect(await critical.first().locator(".badge").allInnerTexts()).toEqual(["critical", "ongoing"]);
    // Details are a click away.
    const section = page.locator("details.section").first();
    expect(await section.getAttribute("open")).toBeNull();

    const chart = page.locator('figure.chart[data-metric="trace.http.request.errors"]');
    await chart.locator("canvas").waitFor();
    // uPlot draws right after it mounts; wait for the line before counting the rest.
    await expect
      .poll(async () => (await pixelCounts(chart.locator("canvas"), [[...SERIES_BLUE, 16]]))[0])
      .toBeGreaterThan(300);
    const [blue, shade, purple] = await pixelCounts(chart.locator("canvas"), [
      [...SERIES_BLUE, 16],
      [CRITICAL_SHADE[0] ?? 0, CRITICAL_SHADE[1] ?? 0, CRITICAL_SHADE[2] ?? 0, 3],
      [...DEPLOY_PURPLE, 16],
    ]);
    expect(blue, "pixels of the series line").toBeGreaterThan(300);
    expect(shade, "pixels of the finding's shaded window").toBeGreaterThan(2000);
    expect(purple, "pixels of the deploy marker").toBeGreaterThan(100);
    expect(await chart.locator(".chart-key").innerText()).toMatch(
      /F\d window \(critical, ongoing\)[\s\S]*Deployed api-gateway/,
    );
    expect(await chart.locator("figcaption").innerText()).toMatch(
      /Line chart of trace\.http\.request\.errors/,
    );

    await page.locator(".trace .tl-row").first().waitFor();
    const trace = (await (await h.request(`/jobs/${incidentJob}/trace`)).json()) as { steps: unknown[] };
    expect(await page.locator(".trace .tl-row").count()).toBe(trace.steps.length);
    await page.screenshot({ path: `${SCREENSHOTS}console-incident-answer.png`, fullPage: true });
    await page.locator(".evidence").screenshot({ path: `${SCREENSHOTS}console-evidence-charts.png` });

    expect(errors).toEqual([]);
    expect(await violations(page)).toEqual([]);
    expect(elsewhere).toEqual([]);
    await context.close();
  });

  it("plots exactly the points the evidence route returns", async () => {
    const evidence = (await (await h.request(`/jobs/${incidentJob}/evidence`)).json()) as {
      series: EvidenceSeries[];
    };
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      acceptDownloads: true,
    });
    const { page } = await signedIn(context);
    await page.goto(`${h.base}/#/jobs/${incidentJob}`);
    for (const metric of ["trace.http.request.errors", "trace.http.request.duration.by.service.95p"]) {
      const chart = page.locator(`figure.chart[data-metric="${metric}"]`);
      await chart.locator("canvas").waitFor({ timeout: 30_000 });
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        chart.getByRole("button", { name: "Download data (JSON)" }).click(),
      ]);
      const plotted = JSON.parse(readFileSync(await download.path(), "utf8")) as {
        series: Array<{ id: string; points: Array<[number, number | null]> }>;
      };
      const expected = evidence.series.filter((s) => s.metric === metric || s.limit_of === metric);
      expect(expected.length).toBeGreaterThan(0);
      expect(plotted.series.map((s) => ({ id: s.id, points: s.points }))).toEqual(
        expected.map((s) => ({ id: s.id, points: s.points })),
      );
    }
    await context.close();
  });

  it("resumes the event stream after a reload with Last-Event-ID, losing and repeating nothing", async () => {
    datadog.reset();
    datadog.inject({ kind: "slow", delay_ms: 3000, path: "/api/v1/query", times: Infinity });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const { page } = await signedIn(context);
    const streams: Array<string | undefined> = [];
    page.on("request", (r) => {
      if (r.url().endsWith("/events")) streams.push(r.headers()["last-event-id"]);
    });
    // With the model (fake OpenAI): the trace then has model calls with tokens and cost.
    const id = await ask(page, "payments", "Is memory leaking on payments?", false);
    await page.locator('.phase[data-phase="execution"][data-state="running"]').waitFor({ timeout: 60_000 });
    const before = await page.locator(".step").count();
    expect(before).toBeGreaterThan(0);
    const saved = await inPage<string | undefined>(
      page,
      `JSON.parse(sessionStorage.getItem(${JSON.stringify(`orch.console.progress.${id}`)})).lastEventId`,
    );
    expect(saved).toMatch(/^\d+-\d+$/);

    await page.reload();
    // What the page had seen is back, from this tab's storage (once the page has loaded the job).
    await expect.poll(() => page.locator(".step").count()).toBeGreaterThanOrEqual(before);
    datadog.reset();
    await page.locator(".answer .direct-answer").waitFor({ timeout: 60_000 });
    expect(streams).toEqual([undefined, saved]);

    // Every step the job's stream holds is on the page once: none lost, none repeated.
    const stream = await (await h.request(`/jobs/${id}/events`)).text();
    const streamed = stream.split("\n").filter((line) => line === "event: step").length;
    expect(streamed).toBeGreaterThan(before);
    expect(await page.locator(".progress-done .step").count()).toBe(streamed);
    const trace = (await (await h.request(`/jobs/${id}/trace`)).json()) as { steps: Array<{ kind: string }> };
    expect(trace.steps.some((s) => s.kind === "llm")).toBe(true);
    const llm = page.locator(".tl-row", { hasText: "llm" }).first();
    expect(await llm.locator(".tl-facts").innerText()).toMatch(/\d+ in.*\d+ out.*\$\d/);
    await page.locator(".trace").screenshot({ path: `${SCREENSHOTS}console-trace-timeline.png` });
    await context.close();
  });

  it("draws a breakdown by host as small multiples (latency) and stacked bars (error counts)", async () => {
    datadog.reset();
    openai.setHandler((req) =>
      req.response_format?.json_schema?.name === "plan"
        ? { kind: "content", content: JSON.stringify(SHOP_PLAN) }
        : { kind: "default" },
    );
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const { page } = await signedIn(context);
    await ask(page, "shop", "Which host is slow?", false);
    const multiples = page.locator(
      'figure.chart-multiples[data-metric="trace.http.request.duration.by.service.95p"]',
    );
    await multiples.locator("canvas").first().waitFor({ timeout: 60_000 });
    // The host a finding names comes first, the others after it.
    const titles = await multiples.locator(".panel-title").allInnerTexts();
    expect(titles[0]).toBe("host:web-3");
    expect([...titles].sort()).toEqual(HOSTS);
    const shade = [CRITICAL_SHADE[0] ?? 0, CRITICAL_SHADE[1] ?? 0, CRITICAL_SHADE[2] ?? 0, 3] as const;
    // Every panel drew its line; only the named host's panel has the finding's window shaded.
    const drawnPanels = async () => {
      const drawn: Array<[boolean, boolean]> = [];
      for (const canvas of await multiples.locator("canvas").all()) {
        const [line, shaded] = await pixelCounts(canvas, [[...SERIES_BLUE, 16], shade]);
        drawn.push([(line ?? 0) > 100, (shaded ?? 0) > 500]);
      }
      return drawn;
    };
    await expect.poll(drawnPanels).toEqual([
      [true, true],
      [true, false],
      [true, false],
    ]);
    const stackedChart = page.locator('figure.chart-stacked[data-metric="trace.http.request.errors"]');
    expect(await stackedChart.locator(".chart-title").innerText()).toBe("trace.http.request.errors by host");
    // One bar colour per host, each visible in the stack.
    const colors = [SERIES_BLUE, [15, 118, 110], [126, 34, 206]] as const;
    await expect
      .poll(async () =>
        (
          await pixelCounts(
            stackedChart.locator("canvas"),
            colors.map(([r, g, b]) => [r, g, b, 10] as const),
          )
        ).map((count) => count > 200),
      )
      .toEqual([true, true, true]);
    await page.locator(".evidence").screenshot({ path: `${SCREENSHOTS}console-breakdown.png` });
    openai.setHandler(() => ({ kind: "default" }));
    await context.close();
  });

  it("cancels a running job from its page", async () => {
    datadog.reset();
    datadog.inject({ kind: "slow", delay_ms: 30_000, path: "/api/v1/query", times: Infinity });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const { page } = await signedIn(context);
    const id = await ask(page, "cancel-drill", "How is cancel-drill doing?", true);
    await page.locator('.phase[data-phase="execution"][data-state="running"]').waitFor({ timeout: 60_000 });
    await page.getByRole("button", { name: "Cancel job" }).click();
    await page.locator('.job[data-status="cancelled"]').waitFor({ timeout: 15_000 });
    expect(await page.locator(".job .problem").innerText()).toMatch(/Cancelled during execution/);
    expect(await page.getByRole("button", { name: "Cancel job" }).count()).toBe(0);
    expect(((await (await h.request(`/jobs/${id}`)).json()) as { status: string }).status).toBe("cancelled");
    datadog.reset();
    await context.close();
  });

  it("refuses a bad token with a clear message, and signs out when a kept token stops working", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${h.base}/`);
    await page.getByLabel("API token").fill("not-a-token-of-this-service");
    await page.getByRole("button", { name: "Sign in" }).click();
    expect(await page.getByRole("alert").innerText()).toMatch(/did not accept that token/);
    expect(await inPage(page, "sessionStorage.length")).toBe(0);

    await inPage(page, `sessionStorage.setItem("orch.console.token", "revoked-token-0123456789")`);
    await page.reload();
    await page.getByRole("status").waitFor();
    expect(await page.getByRole("status").innerText()).toMatch(/no longer accepted/);
    expect(await inPage(page, `sessionStorage.getItem("orch.console.token")`)).toBeNull();
    await context.close();
  });

  it("shows nothing of another token's job, on its page or in the history", async () => {
    const secret = "What does bob alone ask about web-app?";
    const bobs = await submitJob(
      h,
      { service_id: "web-app", user_message: secret, options: { reasoner: "offline" } },
      OTHER_TOKEN,
    );
    await waitForJob(h, bobs, 60, OTHER_TOKEN);
    const context = await browser.newContext();
    const { page } = await signedIn(context);
    await page.goto(`${h.base}/#/jobs/${bobs}`);
    await page.getByRole("alert").waitFor();
    expect(await page.getByRole("alert").innerText()).toMatch(/No job .* for this token/);
    expect(await page.content()).not.toContain(secret);
    await page.goto(`${h.base}/#/history`);
    await page.locator(".job-item").first().waitFor();
    expect(await page.locator(".history").innerText()).not.toContain(secret);
    expect(await page.locator(`.job-item[data-job="${incidentJob}"]`).count()).toBe(1);
    await context.close();
  });

  it("labels every control, works from the keyboard, and fits a phone's width", async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const { page } = await signedIn(context);
    const unlabelled = await inPage<string[]>(
      page,
      `[...document.querySelectorAll("input, select, textarea, button")]
        .filter((el) => !(el.labels && el.labels.length > 0) && !el.getAttribute("aria-label") && !el.textContent.trim())
        .map((el) => el.outerHTML)`,
    );
    expect(unlabelled).toEqual([]);

    // Submitting an empty form says what is missing, next to the fields, from the keyboard alone.
    await page.getByRole("button", { name: "Ask", exact: true }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("#service_id").getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#service_id-error").innerText()).toMatch(/Choose the service/);

    await page.goto(`${h.base}/#/jobs/${incidentJob}`);
    await page
      .locator('figure.chart[data-metric="trace.http.request.errors"] canvas')
      .waitFor({ timeout: 30_000 });
    const overflow = await inPage<number>(page, "document.documentElement.scrollWidth - window.innerWidth");
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${SCREENSHOTS}console-phone.png`, fullPage: false });
    await context.close();
  });
});
