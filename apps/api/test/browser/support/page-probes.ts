import type { Locator, Page } from "playwright-core";

/*
 * What the browser tests read from a page: the pixels a chart drew, expressions evaluated in the
 * page, and the Content-Security-Policy violations it raised.
 */

/** The colours the charts draw with (apps/console/src/charts/chart-colors.ts), as RGB. */
export const SERIES_BLUE = [29, 78, 216] as const;
export const DEPLOY_PURPLE = [109, 40, 217] as const;
/** rgba(185, 28, 28, 0.12) over the white plot: the shade of a critical finding's window. */
export const CRITICAL_SHADE = [185, 28, 28].map((c) => Math.round(255 + 0.12 * (c - 255)));

/**
 * How many pixels of the chart's canvas show each colour (within a tolerance) as seen on the
 * chart's white background: the canvas is transparent where nothing was drawn.
 */
export async function pixelCounts(
  canvas: Locator,
  colors: ReadonlyArray<readonly [number, number, number, number]>,
) {
  return canvas.evaluate((element, wanted) => {
    // The page's DOM types, as far as this reads them (the API's TypeScript has no DOM library).
    const c = element as unknown as {
      width: number;
      height: number;
      getContext(kind: "2d"): {
        getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
      };
    };
    const { data } = c.getContext("2d").getImageData(0, 0, c.width, c.height);
    const counts = wanted.map(() => 0);
    for (let i = 0; i < data.length; i += 4) {
      const alpha = (data[i + 3] ?? 0) / 255;
      const seen = [0, 1, 2].map((k) => alpha * (data[i + k] ?? 0) + (1 - alpha) * 255);
      wanted.forEach(([r, g, b, tolerance], k) => {
        if (
          Math.abs((seen[0] ?? 0) - r) <= tolerance &&
          Math.abs((seen[1] ?? 0) - g) <= tolerance &&
          Math.abs((seen[2] ?? 0) - b) <= tolerance
        )
          counts[k] = (counts[k] ?? 0) + 1;
      });
    }
    return counts;
  }, colors);
}

/** Runs an expression in the page (a string: the API's TypeScript has no DOM library). */
export async function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate<T>(expression);
}

/** Collects the page's Content-Security-Policy and Trusted Types violations into window.violations. */
export const RECORD_VIOLATIONS = `window.violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.violations.push(e.violatedDirective + " " + e.blockedURI));`;
