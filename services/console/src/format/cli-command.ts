/** Where the CLI finds the service unless told: its default `--url`. */
export const CLI_DEFAULT_URL = 'http://localhost:8080';

/**
 * A `switchboard` command as someone types it to reach the service this console came from:
 * through npx, from the Switchboard directory (where the CLI finds its admin key), with `--url`
 * when the console is served from anywhere but the CLI's default address.
 */
export function cliCommand(origin: string, args: string): string {
  const url = origin.replace(/\/+$/, '');
  return `npx switchboard ${url === CLI_DEFAULT_URL ? '' : `--url ${url} `}${args}`;
}
