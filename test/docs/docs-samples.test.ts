import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { buildProgram } from '@switchboard/cli';
import { eventually, http, startTestSwitchboard, TEST_ADMIN_KEY, type TestSwitchboard } from '@switchboard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CodeBlock, codeBlocks, documentationFiles, markdownLinks } from './markdown-samples.ts';
import { cliProblem, curlProblem, linkProblem, pnpmProblem, readCurl, ROOT, switchboardArgs, yamlProblem } from './sample-checks.ts';
import { shellCommands } from './shell-commands.ts';

/**
 * Every command and code sample of README.md and docs/ is checked against the code, so that
 * examples can't rot: a failure names the file and line of the sample.
 */
const files = documentationFiles(ROOT);
const blocks = files.flatMap((file) => codeBlocks(ROOT, file));
const shellBlocks = blocks.filter((b) => b.lang === 'sh' || b.lang === 'bash');
const where = (block: CodeBlock, line = 0) => `${block.file}:${block.line + line}`;

/** Languages whose blocks are checked, and those that are free (output, diagrams, TypeScript). */
const CHECKED = new Set(['sh', 'bash', 'yaml', 'json']);
const FREE = new Set(['text', 'ts']);

describe('the documentation samples', () => {
  it('are found: the README and every file under docs/, with their shell, YAML and JSON blocks', () => {
    expect(files).toContain('README.md');
    expect(files).toContain('docs/operations.md');
    expect(shellBlocks.length).toBeGreaterThan(20);
    expect(blocks.filter((b) => b.lang === 'yaml').length).toBeGreaterThanOrEqual(3);
  });

  it('name a language on every code block, so that none escapes these checks', () => {
    const unnamed = blocks.filter((b) => !CHECKED.has(b.lang) && !FREE.has(b.lang)).map((b) => `${where(b, -1)}: \`\`\`${b.lang}`);
    expect(unnamed, 'give each block one of: sh, bash, yaml, json (checked) or text, ts').toEqual([]);
  });

  it('use only switchboard commands and options the CLI takes', async () => {
    const problems: string[] = [];
    let checked = 0;
    for (const block of shellBlocks) {
      for (const command of shellCommands(block.code)) {
        const args = switchboardArgs(command.argv);
        if (!args) continue;
        checked++;
        const problem = await cliProblem(args);
        if (problem) problems.push(`${where(block, command.line)}: switchboard ${args.join(' ')}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(40);
  });

  it('call only operations of the OpenAPI document, with a key where one is needed and bodies that match', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const block of shellBlocks) {
      for (const command of shellCommands(block.code)) {
        if (command.argv[0] !== 'curl') continue;
        checked++;
        const problem = curlProblem(readCurl(command.argv));
        if (problem) problems.push(`${where(block, command.line)}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(10);
  });

  it('run only pnpm scripts that package.json has', () => {
    const problems = shellBlocks.flatMap((block) =>
      shellCommands(block.code)
        .filter((c) => (c.argv[0] === 'pnpm' && c.argv[1] !== 'switchboard') || c.argv[0] === 'npm' || (c.argv[0] === 'npx' && c.argv[1]?.startsWith('pnpm')))
        .map((c) => [c, pnpmProblem(c.argv)] as const)
        .filter(([, problem]) => problem !== undefined)
        .map(([c, problem]) => `${where(block, c.line)}: ${c.argv.join(' ')}: ${problem}`),
    );
    expect(problems).toEqual([]);
  });

  it('keep the README install, lint, type check and test commands as .ci/run runs them', () => {
    const readme = shellBlocks.filter((b) => b.file === 'README.md').flatMap((b) => shellCommands(b.code).map((c) => c.argv.join(' ')));
    // `npm start`, not `npx pnpm@10 start`, where pnpm is not installed: npx dies at once on Ctrl-C.
    for (const command of ['npx pnpm@10 install', 'npm start', 'npx pnpm@10 test', 'pnpm install', 'pnpm lint', 'pnpm typecheck', 'pnpm test']) {
      expect(readme, `the README should show \`${command}\``).toContain(command);
    }
  });

  it('write YAML that parses, routing configurations and Salesforce field mappings that validate', () => {
    const problems = blocks
      .filter((b) => b.lang === 'yaml')
      .map((b) => [b, yamlProblem(b.code)] as const)
      .filter(([, problem]) => problem !== undefined)
      .map(([b, problem]) => `${where(b)}: ${problem}`);
    expect(problems).toEqual([]);
  });

  it('write JSON that parses', () => {
    const problems = blocks
      .filter((b) => b.lang === 'json')
      .flatMap((b) => {
        try {
          JSON.parse(b.code);
          return [];
        } catch (error) {
          return [`${where(b)}: ${(error as Error).message}`];
        }
      });
    expect(problems).toEqual([]);
  });

  it('link only to files and headings that exist', () => {
    const links = files.flatMap((file) => markdownLinks(ROOT, file));
    const problems = links.map((link) => [link, linkProblem(link)] as const).filter(([, p]) => p !== undefined).map(([l, p]) => `${l.file}:${l.line}: ${p}`);
    expect(problems).toEqual([]);
    expect(links.length).toBeGreaterThan(30);
  });
});

/** Output with its ids and times replaced, so that two runs compare equal. */
function withoutIdsAndTimes(output: string): string {
  return output
    .trimEnd()
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>')
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/g, '<time>')
    .replace(/(receivedAt\s+)\d+/, '$1<ms>')
    // A lead just assigned may be read a moment before its actor is passivated.
    .replace('(live, from the router;', '(as persisted (not in memory);');
}

/** One CLI run, in process, as `switchboard` would print it. */
async function runSwitchboard(url: string, args: ReadonlyArray<string>): Promise<{ out: string; err: string; exitCode: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const previous = process.exitCode;
  process.exitCode = 0;
  try {
    await buildProgram({ out: (t) => out.push(t), err: (t) => err.push(t) }).parseAsync(['node', 'switchboard', '--url', url, '--key', TEST_ADMIN_KEY, ...args]);
  } catch (error) {
    if (!(error instanceof Error && 'exitCode' in error)) throw error;
    process.exitCode = Number(error.exitCode);
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = previous;
  return { out: out.join('\n'), err: err.join('\n'), exitCode };
}

describe("the README's first five minutes", () => {
  let sb: TestSwitchboard;
  beforeAll(async () => {
    sb = await startTestSwitchboard({ bus: 'in-process' });
  });
  afterAll(async () => {
    await sb?.destroy();
  });

  it('run as written against a service: every command succeeds, and the lead goes where the README says', { timeout: 120_000 }, async () => {
    const section = shellBlocks.filter((b) => b.file === 'README.md' && b.section === 'First five minutes');
    expect(section.length).toBeGreaterThanOrEqual(3);
    const { host } = new URL(sb.url);
    const values = new Map<string, string>();
    const fill = (word: string) =>
      word
        .replace(/<[^<>]+>/g, (placeholder) => {
          const value = values.get(placeholder);
          if (value === undefined) throw new Error(`the README uses ${placeholder} before a command gives it`);
          return value;
        })
        .replace(/\blocalhost:8080\b/, host)
        .replace('$KEY', TEST_ADMIN_KEY);
    let ran = 0;
    for (const block of section) {
      for (const command of shellCommands(block.code)) {
        const at = where(block, command.line);
        const args = switchboardArgs(command.argv);
        if (args) {
          const run = await runSwitchboard(sb.url, args.map(fill));
          expect(run.exitCode, `${at}: switchboard ${args.join(' ')}\n${run.err}`).toBe(0);
          const accepted = /Lead accepted: (\S+)/.exec(run.out);
          if (accepted) {
            values.set('<lead-id>', accepted[1]!);
            // The README shows the lead assigned; routing takes a moment.
            await eventually(async () => (await http(sb.url, 'GET', `/v1/leads/${accepted[1]}`)).body.state === 'assigned');
          }
          if (args[0] === 'inspect' && args[1] === 'lead') {
            // The README shows what this prints, ids and times aside.
            const shown = blocks.find((b) => b.file === 'README.md' && b.section === 'First five minutes' && b.lang === 'text');
            expect(shown, 'the README shows the output of inspect lead in a text block').toBeDefined();
            expect(withoutIdsAndTimes(run.out), `${where(shown!)}: the output of switchboard ${args.join(' ')} is now`).toBe(withoutIdsAndTimes(shown!.code));
          }
          ran++;
        } else if (command.argv[0] === 'curl') {
          const { stdout } = await promisify(execFile)('curl', [...command.argv.slice(1).map(fill), '-w', '\n%{http_code}']);
          const lines = stdout.trimEnd().split('\n');
          const status = Number(lines.pop());
          expect(status, `${at}: ${command.argv.join(' ')}\n${lines.join('\n')}`).toBeGreaterThanOrEqual(200);
          expect(status, `${at}: ${command.argv.join(' ')}\n${lines.join('\n')}`).toBeLessThan(300);
          const request = readCurl(command.argv);
          if (request.method === 'POST' && request.path === '/v1/leads') values.set('<lead-id>', (JSON.parse(lines.join('\n')) as { id: string }).id);
          ran++;
        } else if (command.assignments.length === 0 || command.assignments.some((a) => !a.startsWith('KEY='))) {
          throw new Error(`${at}: this test does not know how to run "${command.argv.join(' ')}"; teach it, or move the command out of the first five minutes`);
        }
      }
    }
    expect(ran).toBeGreaterThan(15);
  });
});
