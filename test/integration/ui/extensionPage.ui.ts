import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import type { Frame, Route } from 'playwright-core';
import { session } from './session';

/**
 * VS Code renders an installed extension's README with a sanitizer that keeps only http(s) image sources and a CSP of
 * `img-src https: data:`: a relative image link is dropped, even when the file is inside the VSIX. So `npm run
 * package` lets vsce rewrite the README's relative links to the repository named in package.json, and this spec
 * checks what a user sees: every image on the extension's details page has that absolute https source and loads.
 *
 * This machine has no internet: requests for the repository's raw files are answered from the checkout by
 * Playwright's network interception, and only for files that exist there (a wrong path is a 404 and fails the spec).
 */
function repositoryRawBase(repo: string): string {
  const { repository } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { repository?: { url?: string } };
  const match = /github\.com\/([^/]+\/[^/.]+)/.exec(repository?.url ?? '');
  assert.ok(match, 'package.json names no GitHub repository: vsce cannot make the README image links absolute');
  return `https://github.com/${match[1]}/raw/HEAD/`;
}

function readmeImages(repo: string): string[] {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  return [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((match) => match[1]);
}

async function serveFromCheckout(repo: string, base: string, route: Route): Promise<void> {
  const path = normalize(decodeURIComponent(route.request().url().slice(base.length).split('?')[0]));
  const file = join(repo, path);
  if (path.startsWith('..') || !existsSync(file)) return route.fulfill({ status: 404, body: 'not in the repository' });
  return route.fulfill({
    status: 200,
    contentType: file.endsWith('.png') ? 'image/png' : 'application/octet-stream',
    body: readFileSync(file),
  });
}

/** The details page renders the README inside nested webview iframes: find the frame that holds its images. */
async function readmeFrame(frames: () => Frame[], timeoutMs: number): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of frames()) {
      if (
        frame.url().includes('fake.html') &&
        (await frame
          .locator('img')
          .count()
          .catch(() => 0)) > 0
      )
        return frame;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the extension details page never showed the README with its images');
}

interface ShownImage {
  src: string;
  naturalWidth: number;
  complete: boolean;
}

describe('the extension’s page in the Extensions view, as a user sees it after installing the VSIX', () => {
  it('shows every README image, from absolute links to the repository', async () => {
    const { workbench, repo } = session();
    const expected = readmeImages(repo);
    assert.ok(expected.length >= 10, `the README should show its screenshots, found ${expected.length} image links`);
    const base = repositoryRawBase(repo);
    const requested: string[] = [];
    const context = workbench.page.context();
    await context.route(`${base}**`, (route) => {
      requested.push(route.request().url());
      return serveFromCheckout(repo, base, route);
    });
    try {
      await workbench.page.keyboard.press('Control+Shift+X');
      const search = workbench.page.locator('.extensions-viewlet .suggest-input-container textarea, .extensions-viewlet input').first();
      await search.waitFor({ state: 'visible', timeout: 30_000 });
      await workbench.page.keyboard.type('@installed LLM Workbench');
      const item = workbench.page.locator('.extensions-viewlet .monaco-list-row', { hasText: 'LLM Workbench' }).first();
      await item.waitFor({ state: 'visible', timeout: 90_000 });
      await item.click();
      const frame = await readmeFrame(() => workbench.page.frames(), 90_000);

      let shown: ShownImage[] = [];
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        shown = await frame.locator('img').evaluateAll((nodes) =>
          (nodes as HTMLImageElement[]).map((img) => ({
            src: img.getAttribute('src') ?? '',
            naturalWidth: img.naturalWidth,
            complete: img.complete,
          })),
        );
        if (shown.length >= expected.length && shown.every((image) => image.complete && image.src !== '')) break;
        await workbench.page.waitForTimeout(250);
      }
      await frame
        .locator('img')
        .nth(1)
        .scrollIntoViewIfNeeded()
        .catch(() => undefined);
      await workbench.screenshot('extension-details-page');

      assert.deepEqual(
        shown.map((image) => image.src),
        expected.map((link) => (/^https:/.test(link) ? link : base + link)),
        'every README image keeps an absolute https source on the page',
      );
      assert.deepEqual(
        shown.filter((image) => image.naturalWidth === 0),
        [],
        'images that did not load on the details page',
      );
      assert.ok(requested.length >= new Set(expected).size, `the page fetched ${requested.length} images`);
    } finally {
      await context.unroute(`${base}**`);
    }
  });
});
