import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT } from '../support/packed-library.js';
import { documentationFiles } from './snippets.js';

describe('doc-links', () => {
  // The README stays a user's document (at most 400 lines), and no relative link or #anchor in the
  // README, SECURITY.md, the package README, docs/ or examples/ points nowhere.
  const docs = [
    ...documentationFiles(ROOT),
    'SECURITY.md',
    'examples/README.md',
    ...readdirSync(join(ROOT, 'examples'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `examples/${entry.name}/README.md`),
  ];

  /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
  function anchorsOf(file: string): Set<string> {
    const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
    return new Set([...text.matchAll(/^#{1,6} (.*)$/gm)].map(([, heading]) => slug(heading)));
  }

  function slug(heading: string): string {
    return heading
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-');
  }

  it('README.md has at most 400 lines', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').length).toBeLessThanOrEqual(400);
  });

  it('slugs headings as GitHub does', () => {
    expect(slug('Statuses and rejection reasons')).toBe('statuses-and-rejection-reasons');
    expect(slug('Testing your app: `@liberty/license/testing`')).toBe('testing-your-app-libertylicensetesting');
    expect(slug('Leaks, faults, concurrency and the clock')).toBe('leaks-faults-concurrency-and-the-clock');
  });

  it.each(docs)('%s: every relative link and anchor resolves', (doc) => {
    const file = join(ROOT, doc);
    const text = readFileSync(file, 'utf8')
      .replace(/```[\s\S]*?```/g, '')
      .replace(/`[^`\n]*`/g, '');
    const broken: string[] = [];
    for (const [, link] of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      if (/^[a-z]+:/i.test(link)) continue; // https:, mailto:
      const [path, anchor] = link.split('#');
      const target = path ? resolve(dirname(file), decodeURIComponent(path)) : file;
      if (!existsSync(target)) broken.push(`${link} (no ${relative(ROOT, target)})`);
      else if (anchor && target.endsWith('.md') && !anchorsOf(target).has(anchor))
        broken.push(`${link} (no heading #${anchor})`);
    }
    expect(broken).toEqual([]);
  });
});
