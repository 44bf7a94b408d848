import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Code blocks of the README and docs/. A ```ts block is a complete file that the snippet test
 * builds; ```ts fragment is skipped; `file=<path>` places a block (any language) in the snippet app,
 * otherwise a ts block becomes src/snippet-<line>.ts.
 */
export interface Snippet {
  /** The markdown file, relative to the repository root. */
  doc: string;
  line: number;
  lang: string;
  file?: string;
  fragment: boolean;
  code: string;
}

const TS = new Set(['ts', 'typescript']);

export function extractSnippets(markdown: string, doc: string): Snippet[] {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang, info] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      if (lines[j].trim().startsWith(fence) && lines[j].trim().replace(/[`~]/g, '') === '') break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
    }
    if (j === lines.length) throw new Error(`${doc}:${i + 1}: code block never closed`);
    const words = info.trim().split(/\s+/).filter(Boolean);
    const file = words.find((w) => w.startsWith('file='))?.slice('file='.length);
    snippets.push({
      doc,
      line: i + 1,
      lang: lang.toLowerCase(),
      file,
      fragment: words.includes('fragment'),
      code: body.join('\n') + '\n',
    });
    i = j;
  }
  return snippets;
}

/** The snippets a project is built from: complete ts blocks, and any block placed with `file=`. */
export function buildable(snippets: Snippet[]): Snippet[] {
  return snippets.filter((s) => !s.fragment && (TS.has(s.lang) || s.file !== undefined));
}

export function placement(snippet: Snippet): string {
  return snippet.file ?? `src/snippet-${snippet.line}.ts`;
}

/** README.md, libs/license/README.md and every docs/**\/*.md, relative to `root`. */
export function documentationFiles(root: string): string[] {
  const docs: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) docs.push(relative(root, path));
    }
  };
  walk(join(root, 'docs'));
  return ['README.md', 'libs/license/README.md', ...docs.sort()];
}

export function snippetsOf(root: string, doc: string): Snippet[] {
  return extractSnippets(readFileSync(join(root, doc), 'utf8'), doc);
}
