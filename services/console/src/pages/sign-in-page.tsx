import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api, type Principal } from '../api/api-client.ts';

/** The sign-in: an API key (an admin makes them with `switchboard keys create`; the first start prints one). */
export function SignInPage({ onSignedIn }: { onSignedIn: (principal: Principal) => void }) {
  const [key, setKey] = useState('');
  // A single sign-on that failed comes back here saying why.
  const [error, setError] = useState<string | null>(() => new URLSearchParams(window.location.search).get('signin_error'));
  const [busy, setBusy] = useState(false);
  const [sso, setSso] = useState<{ name: string; url: string } | null>(null);
  useEffect(() => {
    api.signInProviders().then(
      (providers) => setSso(providers.oidc),
      () => setSso(null),
    );
    if (window.location.search.includes('signin_error')) window.history.replaceState(null, '', window.location.pathname);
  }, []);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api.signIn(key.trim()));
    } catch (cause) {
      setError(cause instanceof ApiError ? cause.message : String(cause));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="sign-in">
      <form className="card sign-in-card" onSubmit={(e) => void submit(e)}>
        <div className="brand-line">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <h1>Sign in to Switchboard</h1>
        </div>
        {sso && (
          <>
            <a className="button primary sso-button" href={sso.url}>
              Sign in with {sso.name}
            </a>
            <p className="muted small or-line">or with an API key</p>
          </>
        )}
        <label htmlFor="api-key">API key</label>
        <input id="api-key" name="key" type="password" autoComplete="current-password" value={key} onChange={(e) => setKey(e.target.value)} placeholder="sbk_…" required />
        <p className="muted small">
          Ask an admin for a key (<code>switchboard keys create</code>). On a new install, the first start printed one and saved it in{' '}
          <code>.switchboard/admin.key</code>.
        </p>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button primary" disabled={busy || key.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
