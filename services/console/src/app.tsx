import { useEffect } from 'react';
import { AppShell } from './components/app-shell.tsx';
import { ConfigPage } from './pages/config-page.tsx';
import { FairnessPage } from './pages/fairness-page.tsx';
import { LeadListPage } from './pages/lead-list-page.tsx';
import { LeadPage } from './pages/lead-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { RepBoardPage } from './pages/rep-board-page.tsx';
import { SlaPage } from './pages/sla-page.tsx';
import { matchPath, usePath } from './routing/router.tsx';

const TITLES: Record<string, string> = { '/': 'Rep board', '/leads': 'Leads', '/fairness': 'Fairness', '/sla': 'SLA', '/config': 'Configuration' };

function Page({ path }: { path: string }) {
  if (path === '/') return <RepBoardPage />;
  if (path === '/leads') return <LeadListPage />;
  const lead = matchPath('/leads/:id', path);
  if (lead) return <LeadPage key={lead.id} id={lead.id!} />;
  if (path === '/fairness') return <FairnessPage />;
  if (path === '/sla') return <SlaPage />;
  if (path === '/config') return <ConfigPage />;
  return <NotFoundPage />;
}

/** The console: the shell around the page the path names. */
export function App() {
  const path = usePath().replace(/\/+$/, '') || '/';
  useEffect(() => {
    document.title = `${TITLES[path] ?? (path.startsWith('/leads/') ? 'Lead' : 'Switchboard')} · Switchboard`;
  }, [path]);
  return (
    <AppShell>
      <Page path={path} />
    </AppShell>
  );
}
