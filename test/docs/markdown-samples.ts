import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A fenced code block of a markdown file. */
export interface CodeBlock {
  /** The file, relative to the repository root. */
  readonly file: string;
  /** The line of the block's first line of code (1-based). */
  readonly line: number;
  /** The info string's first word: `sh`, `yaml`, `text`, or '' when there is none. */
  readonly lang: string;
  readonly code: string;
  /** The `## ` section it sits in ('' before the first). */
  readonly section: string;
}

/** A link or image of a markdown file, outside code. */
export interface MarkdownLink {
  readonly file: string;
  readonly line: number;
  readonly target: string;
}

/** README.md, CHANGELOG.md, deploy/README.md and every markdown file under docs/, relative to `root`. */
export function documentationFiles(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md'))
    .map((name) => join('docs', name));
  return ['README.md', 'CHANGELOG.md', 'deploy/README.md', ...docs.sort()];
}

/** The fenced code blocks of a markdown file, with where they are. */
export function codeBlocks(root: string, file: string): CodeBlock[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('## ')) section = line.slice(3).trim();
    // A fence may be indented (a block inside a list item); its code is indented alike.
    const fence = /^(\s*)(`{3,})(.*)$/.exec(line);
    if (!fence) continue;
    const [, indent, ticks, info] = fence as unknown as [string, string, string, string];
    const code: string[] = [];
    let j = i + 1;
    while (j < lines.length && !lines[j]!.trimStart().startsWith(ticks)) code.push(lines[j++]!.slice(indent.length));
    blocks.push({ file, line: i + 2, lang: info.trim().split(/\s+/)[0] ?? '', code: code.join('\n'), section });
    i = j;
  }
  return blocks;
}

/** The links and images of a markdown file, outside fenced blocks and inline code. */
export function markdownLinks(root: string, file: string): MarkdownLink[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const links: MarkdownLink[] = [];
  let fenced: string | undefined;
  lines.forEach((line, i) => {
    const fence = /^\s*(`{3,})/.exec(line);
    if (fence) {
      if (fenced === undefined) fenced = fence[1];
      else if (line.trimStart().startsWith(fenced)) fenced = undefined;
      return;
    }
    if (fenced !== undefined) return;
    const prose = line.replace(/`[^`]*`/g, '');
    for (const match of prose.matchAll(/\]\(([^)\s]+)\)/g)) links.push({ file, line: i + 1, target: match[1]! });
  });
  return links;
}

/** The anchors GitHub gives a markdown file's headings (`## Backup and restore` → `backup-and-restore`). */
export function headingAnchors(root: string, file: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of readFileSync(join(root, file), 'utf8').split('\n')) {
    if (/^\s*`{3,}/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*)$/.exec(line);
    if (!heading) continue;
    const slug = heading[1]!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    // GitHub numbers a repeated heading's anchor: the second "## Notes" is #notes-1.
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** `file` relative to `root`, with forward slashes. */
export function repoPath(root: string, file: string): string {
  return relative(root, file).split('\\').join('/');
}
