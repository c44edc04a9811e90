/** A unified diff with added, removed and hunk lines coloured. */
export function DiffView({ diff }: { diff: string }) {
  const lines = diff.split('\n').filter((line) => !line.startsWith('===') && !line.startsWith('Index:'));
  if (!lines.some((l) => (l.startsWith('+') || l.startsWith('-')) && !l.startsWith('+++') && !l.startsWith('---'))) {
    return <p className="muted">The two versions are the same.</p>;
  }
  return (
    <pre className="code diff" aria-label="Diff">
      {lines.map((line, i) => {
        const kind = line.startsWith('+++') || line.startsWith('---') ? 'file' : line.startsWith('@@') ? 'hunk' : line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : 'same';
        return (
          <span key={i} className={`diff-line diff-${kind}`}>
            {line || ' '}
            {'\n'}
          </span>
        );
      })}
    </pre>
  );
}
