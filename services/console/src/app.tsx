import { useCallback, useEffect, useState } from 'react';
import { ApiError, api, type Principal, SIGNED_OUT_EVENT } from './api/api-client.ts';
import { AppShell } from './components/app-shell.tsx';
import { AuditPage } from './pages/audit-page.tsx';
import { BookingPage } from './pages/booking-page.tsx';
import { ConfigPage } from './pages/config-page.tsx';
import { FairnessPage } from './pages/fairness-page.tsx';
import { LeadListPage } from './pages/lead-list-page.tsx';
import { LeadPage } from './pages/lead-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { RepBoardPage } from './pages/rep-board-page.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';
import { SlaPage } from './pages/sla-page.tsx';
import { SessionContext } from './session/session.tsx';
import { LoadingState } from './components/loading-state.tsx';
import { ErrorState } from './components/error-state.tsx';
import { matchPath, usePath } from './routing/router.tsx';

const TITLES: Record<string, string> = { '/': 'Rep board', '/leads': 'Leads', '/fairness': 'Fairness', '/sla': 'SLA', '/config': 'Configuration', '/audit': 'Audit log' };

function Page({ path }: { path: string }) {
  if (path === '/') return <RepBoardPage />;
  if (path === '/leads') return <LeadListPage />;
  const lead = matchPath('/leads/:id', path);
  if (lead) return <LeadPage key={lead.id} id={lead.id!} />;
  if (path === '/fairness') return <FairnessPage />;
  if (path === '/sla') return <SlaPage />;
  if (path === '/config') return <ConfigPage />;
  if (path === '/audit') return <AuditPage />;
  return <NotFoundPage />;
}

type SessionState = { kind: 'loading' } | { kind: 'signed-out' } | { kind: 'failed'; error: Error } | { kind: 'signed-in'; principal: Principal };

/**
 * What the path names: a prospect's booking page (`/book/:token`), public and without the
 * console around it, or the console.
 */
export function App() {
  const path = usePath().replace(/\/+$/, '') || '/';
  // Before any session check: a prospect has no account, and must not meet the sign-in.
  const booking = matchPath('/book/:token', path);
  if (booking) return <BookingPage token={booking.token!} />;
  return <Console path={path} />;
}

/** The console: the sign-in, then the shell around the page the path names. */
function Console({ path }: { path: string }) {
  const [session, setSession] = useState<SessionState>({ kind: 'loading' });
  const load = useCallback(() => {
    api.session().then(
      (principal) => setSession({ kind: 'signed-in', principal }),
      (error: unknown) => setSession(error instanceof ApiError && error.status === 401 ? { kind: 'signed-out' } : { kind: 'failed', error: error as Error }),
    );
  }, []);
  useEffect(() => {
    load();
    const signedOut = () => setSession({ kind: 'signed-out' });
    window.addEventListener(SIGNED_OUT_EVENT, signedOut);
    return () => window.removeEventListener(SIGNED_OUT_EVENT, signedOut);
  }, [load]);
  useEffect(() => {
    document.title = session.kind === 'signed-out' ? 'Sign in · Switchboard' : `${TITLES[path] ?? (path.startsWith('/leads/') ? 'Lead' : 'Switchboard')} · Switchboard`;
  }, [path, session.kind]);
  if (session.kind === 'loading') return <LoadingState />;
  if (session.kind === 'failed') return <ErrorState title="Could not reach Switchboard" error={session.error} onRetry={load} />;
  if (session.kind === 'signed-out') return <SignInPage onSignedIn={(principal) => setSession({ kind: 'signed-in', principal })} />;
  const signOut = () => {
    void api.signOut().finally(() => setSession({ kind: 'signed-out' }));
  };
  return (
    <SessionContext.Provider value={session.principal}>
      <AppShell onSignOut={signOut}>
        <Page path={path} />
      </AppShell>
    </SessionContext.Provider>
  );
}
