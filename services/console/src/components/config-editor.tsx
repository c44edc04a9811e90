import { useRef, useState } from 'react';
import { type ApiIssue, ApiError, api } from '../api/api-client.ts';

type Outcome =
  | { readonly kind: 'valid' | 'applied'; readonly text: string }
  | { readonly kind: 'invalid'; readonly issues: ReadonlyArray<ApiIssue> }
  | { readonly kind: 'failed'; readonly text: string };

/**
 * Edits a routing configuration and checks or applies it. When the API refuses it, every
 * problem is listed in the order of the document with its line and column, the lines at fault
 * are marked in the gutter, and choosing a problem selects its line in the text.
 */
export function ConfigEditor({ initial, author, onApplied }: { initial: string; author: string; onApplied: () => void }) {
  const [text, setText] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);

  const submit = async (dryRun: boolean) => {
    setBusy(true);
    try {
      const applied = await api.applyConfig(text, { dryRun, author });
      const counts = `${applied.teams} team(s), ${applied.territories} territor${applied.territories === 1 ? 'y' : 'ies'}, ${applied.rules} rule(s)`;
      setOutcome(dryRun ? { kind: 'valid', text: `Valid: ${counts}. Nothing applied.` } : { kind: 'applied', text: `Applied version ${applied.version}: ${counts}.` });
      if (!dryRun) onApplied();
    } catch (error) {
      if (error instanceof ApiError && error.issues.length > 0) setOutcome({ kind: 'invalid', issues: error.issues });
      else setOutcome({ kind: 'failed', text: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  };

  /** Selects line `line` of the text, so that the admin lands on the problem. */
  const showLine = (line: number) => {
    const area = textarea.current;
    if (!area) return;
    const lines = area.value.split('\n');
    const start = lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0);
    area.focus();
    area.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
    const lineHeight = area.scrollHeight / Math.max(lines.length, 1);
    area.scrollTop = Math.max(0, (line - 3) * lineHeight);
  };

  const issues = outcome?.kind === 'invalid' ? outcome.issues : [];
  const faulty = new Set(issues.flatMap((i) => (i.line === undefined ? [] : [i.line])));
  const lineCount = text.split('\n').length;

  return (
    <div className="config-editor">
      <div className="editor-frame">
        <div className="editor-gutter" ref={gutter} aria-hidden="true">
          {Array.from({ length: lineCount }, (_, i) => (
            <div key={i} className={faulty.has(i + 1) ? 'gutter-line faulty' : 'gutter-line'}>
              {i + 1}
            </div>
          ))}
        </div>
        <textarea
          ref={textarea}
          className="editor-text"
          aria-label="Configuration document"
          spellCheck={false}
          value={text}
          rows={Math.min(Math.max(lineCount, 12), 30)}
          onChange={(event) => setText(event.target.value)}
          onScroll={(event) => {
            if (gutter.current) gutter.current.scrollTop = event.currentTarget.scrollTop;
          }}
        />
      </div>
      <div className="editor-actions">
        <button type="button" className="button" disabled={busy} onClick={() => void submit(true)}>
          Check
        </button>
        <button type="button" className="button primary" disabled={busy} onClick={() => void submit(false)}>
          Apply
        </button>
      </div>
      {outcome?.kind === 'invalid' && (
        <div className="banner tone-red" role="alert">
          <strong>
            {issues.length} problem{issues.length === 1 ? '' : 's'}; nothing was changed.
          </strong>{' '}
          Fix them all, then check again.
          <ol className="issue-list" aria-label="Problems">
            {issues.map((issue, i) => (
              <li key={i}>
                {issue.line !== undefined ? (
                  <button type="button" className="link-button issue-at" onClick={() => showLine(issue.line!)} title="Select this line">
                    line {issue.line}:{issue.column ?? 1}
                  </button>
                ) : null}{' '}
                {issue.path && <code>{issue.path}</code>} {issue.message}
              </li>
            ))}
          </ol>
        </div>
      )}
      {outcome?.kind === 'failed' && (
        <div className="banner tone-red" role="alert">
          {outcome.text}
        </div>
      )}
      {(outcome?.kind === 'valid' || outcome?.kind === 'applied') && (
        <div className="banner tone-green" role="status">
          {outcome.text}
        </div>
      )}
    </div>
  );
}
