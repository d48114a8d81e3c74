import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN_TOKEN,
  TOKEN,
  startOpsStack,
  submit,
  waitForEnd,
  type OpsStack,
} from "../ops/support/ops-stack.js";
import { SCREENSHOTS, hasChromium, launchBrowser, openPage as openPageAt } from "./support/browser.js";

/**
 * The pages an operator opens, in a real headless Chromium: Bull Board behind its sign-in,
 * Swagger UI running a request, and ReDoc. Screenshots go to test-artifacts/screenshots/.
 */
describe.skipIf(!hasChromium)("the operations pages in a browser", () => {
  let stack: OpsStack;
  let browser: Browser;
  let jobId: string;

  beforeAll(async () => {
    stack = await startOpsStack();
    jobId = await submit(stack, { service_id: "web-app", user_message: "How is memory trending?" });
    await waitForEnd(stack, jobId, 90);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const openPage = (context: Parameters<typeof openPageAt>[0]) => openPageAt(context, stack.base);

  it("signs in to Bull Board with an admin token and shows every queue and a completed job", async () => {
    const context = await browser.newContext({
      httpCredentials: { username: "admin", password: ADMIN_TOKEN },
    });
    const { page } = await openPage(context);
    await page.goto(`${stack.base}/admin/queues`);
    const menu = page.locator("nav, aside").first();
    for (const queue of ["planning", "execution", "feedback", "alerts", "webhooks"])
      await expect.poll(() => menu.getByText(queue, { exact: true }).count()).toBe(1);
    await page.screenshot({ path: `${SCREENSHOTS}bull-board-overview.png`, fullPage: true });

    await page.goto(`${stack.base}/admin/queues/queue/planning?status=completed`);
    await page.getByText(`${jobId}-planning`).waitFor({ timeout: 20_000 });
    await page.screenshot({ path: `${SCREENSHOTS}bull-board-completed-job.png`, fullPage: true });

    // The board's page makes its changes with fetch: what the browser sends with them gets through.
    const change = (action: string) =>
      page.evaluate(
        async (path) => (await fetch(path, { method: "PUT" })).status,
        `/admin/queues/api/queues/planning/${action}`,
      );
    expect(await change("pause")).toBe(200);
    expect(await change("resume")).toBe(200);
    await context.close();
  });

  it("authorizes Swagger UI with a token and runs POST /jobs from the page", async () => {
    const context = await browser.newContext();
    const { page, elsewhere } = await openPage(context);
    await page.goto(`${stack.base}/docs`);
    await expect
      .poll(() => page.locator(".swagger-ui .info .title").innerText())
      .toContain("AI Orchestrator API");
    // The document loads without Swagger UI's error panel (it once warned about jsonSchemaDialect).
    expect(await page.locator(".swagger-ui .errors-wrapper").count()).toBe(0);

    await page.locator(".swagger-ui .auth-wrapper button.authorize").click();
    await page.locator("#auth-bearer-value").fill(TOKEN);
    const bearerForm = page.locator(".modal-ux form").filter({ has: page.locator("#auth-bearer-value") });
    await bearerForm.locator(".auth-btn-wrapper button.authorize").click();
    await page.locator(".modal-ux button.btn-done").first().click();

    const operation = page.locator("#operations-jobs-createJob");
    await operation.locator(".opblock-summary").click();
    await operation.locator("button.execute").click();
    const status = operation.locator(".live-responses-table tr.response .response-col_status").first();
    await expect.poll(() => status.innerText(), { timeout: 20_000 }).toBe("202");
    const body = await operation
      .locator(".live-responses-table tr.response .response-col_description")
      .first()
      .innerText();
    const created = /"job_id": "([A-Za-z0-9_-]+)"/.exec(body)?.[1];
    expect(created).toBeDefined();
    await operation.locator(".live-responses-table").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}swagger-ui-post-jobs.png` });

    // The job the page created is real and belongs to the token it authorized with.
    expect((await stack.request(`/jobs/${created}`)).status).toBe(200);
    expect(elsewhere).toEqual([]);
    await context.close();
  });

  it("renders the API reference in ReDoc", async () => {
    const context = await browser.newContext();
    const { page, elsewhere } = await openPage(context);
    await page.goto(`${stack.base}/redoc`);
    await expect
      .poll(() => page.locator("h1").first().innerText(), { timeout: 20_000 })
      .toContain("AI Orchestrator API");
    await page.locator("h2", { hasText: "Submit a question as a job" }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}redoc.png` });
    // Not even ReDoc's footer logo is asked from its CDN.
    expect(elsewhere).toEqual([]);
    await context.close();
  });
});
