/** One simple command of a shell sample: its words, quotes removed, and the line it starts on. */
export interface ShellCommand {
  /** 0-based line within the block. */
  readonly line: number;
  /** The words after any leading `NAME=value` assignments; empty for a line of assignments only. */
  readonly argv: ReadonlyArray<string>;
  /** The leading assignments, e.g. `DATABASE_URL=postgres://...`. */
  readonly assignments: ReadonlyArray<string>;
}

/**
 * Splits a shell sample into simple commands, the way sh would read its words: quotes ('…',
 * "…"), backslash escapes and line continuations, comments, and `;`, `&&`, `||` and `|`
 * between commands. `$VAR` and `$(…)` are kept as written, not expanded. Enough for the
 * samples of a README; not a shell.
 */
export function shellCommands(code: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let words: string[] = [];
  let word: string | undefined;
  let line = 0;
  let start = 0;
  const endWord = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) {
      const split = words.findIndex((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
      const at = split === -1 ? words.length : split;
      commands.push({ line: start, assignments: words.slice(0, at), argv: words.slice(at) });
    }
    words = [];
  };
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (word === undefined && words.length === 0 && c !== ' ' && c !== '\t' && c !== '\n') start = line;
    if (c === '\n') {
      line++;
      endCommand();
    } else if (c === ' ' || c === '\t') {
      endWord();
    } else if (c === '#' && word === undefined) {
      while (i + 1 < code.length && code[i + 1] !== '\n') i++;
    } else if (c === '\\') {
      if (code[i + 1] === '\n') line++;
      else word = (word ?? '') + (code[i + 1] ?? '');
      i++;
    } else if (c === "'") {
      const end = code.indexOf("'", i + 1);
      if (end === -1) throw new Error(`unclosed ' on line ${line + 1}`);
      const quoted = code.slice(i + 1, end);
      line += quoted.split('\n').length - 1;
      word = (word ?? '') + quoted;
      i = end;
    } else if (c === '"') {
      let quoted = '';
      let j = i + 1;
      for (; j < code.length && code[j] !== '"'; j++) {
        if (code[j] === '\\' && '$`"\\\n'.includes(code[j + 1] ?? '')) j++;
        if (code[j] === '\n') line++;
        quoted += code[j];
      }
      if (j >= code.length) throw new Error(`unclosed " on line ${line + 1}`);
      word = (word ?? '') + quoted;
      i = j;
    } else if (c === '$' && code[i + 1] === '(') {
      // A command substitution stays one word, whatever it holds.
      let depth = 0;
      let j = i;
      for (; j < code.length; j++) {
        if (code[j] === '(') depth++;
        else if (code[j] === ')' && --depth === 0) break;
      }
      word = (word ?? '') + code.slice(i, j + 1);
      i = j;
    } else if (c === ';' || c === '|' || (c === '&' && code[i + 1] === '&')) {
      endCommand();
      if (code[i + 1] === c) i++;
      start = line;
    } else {
      word = (word ?? '') + c;
    }
  }
  endCommand();
  return commands;
}
