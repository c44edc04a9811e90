import { useState } from 'react';
import { cliCommand } from '../format/cli-command.ts';

/**
 * Commands to run next, written so that they work as they stand: through npx, from the
 * Switchboard directory, against this very service. A button copies them all.
 */
export function CommandHint({ commands, file }: { commands: ReadonlyArray<string>; file?: { name: string; text: string } }) {
  const lines = commands.map((args) => cliCommand(window.location.origin, args));
  const [copied, setCopied] = useState(false);
  const copy = (text: string) => {
    void navigator.clipboard?.writeText(text).then(() => setCopied(true));
  };
  return (
    <div className="command-hint">
      {file && (
        <>
          <p className="muted">
            Save this as <code>{file.name}</code>:
          </p>
          <pre className="command-file" data-file={file.name}>
            {file.text}
          </pre>
        </>
      )}
      <p className="muted">In the Switchboard directory (the CLI finds the admin key there; elsewhere set SWITCHBOARD_API_KEY), run:</p>
      <pre className="command-lines">{lines.join('\n')}</pre>
      <button type="button" className="button small" onClick={() => copy(lines.join('\n'))}>
        {copied ? 'Copied' : 'Copy commands'}
      </button>
    </div>
  );
}
