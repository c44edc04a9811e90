/* global process */
// Stops at once, before anything is imported, on a Node.js older than Switchboard needs: on
// Node 20 the service used to start, then crash 30 s later deep inside undici.
// Plain JavaScript with no imports, so that any Node.js can run it.

/** The oldest Node.js major version Switchboard runs on. */
export const MINIMUM_NODE_MAJOR = 22;

/** What is wrong with running on Node.js `version` ("20.20.2"), or undefined if nothing is. */
export function nodeVersionProblem(version) {
  const major = Number.parseInt(String(version).replace(/^v/, '').split('.')[0] ?? '', 10);
  if (Number.isInteger(major) && major >= MINIMUM_NODE_MAJOR) return undefined;
  return (
    `Switchboard needs Node.js ${MINIMUM_NODE_MAJOR} or newer; this is ${version}.\n` +
    'Install Node.js 24 from the npm registry without root:\n' +
    '  npm i -g --prefix "$HOME/.node24" node@24 pnpm@10 && export PATH="$HOME/.node24/bin:$PATH"\n' +
    'or with your version manager (nvm install 24, fnm install 24), then run the command again.'
  );
}

const problem = nodeVersionProblem(process.versions.node);
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
