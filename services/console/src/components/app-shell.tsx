import type { ReactNode } from 'react';
import { Link, usePath } from '../routing/router.tsx';
import { useSession } from '../session/session.tsx';
import { NavIcon } from './nav-icon.tsx';

const NAV = [
  { to: '/', label: 'Rep board', icon: 'board', active: (p: string) => p === '/' },
  { to: '/leads', label: 'Leads', icon: 'leads', active: (p: string) => p.startsWith('/leads') },
  { to: '/fairness', label: 'Fairness', icon: 'fairness', active: (p: string) => p.startsWith('/fairness') },
  { to: '/sla', label: 'SLA', icon: 'sla', active: (p: string) => p.startsWith('/sla') },
  { to: '/config', label: 'Configuration', icon: 'config', active: (p: string) => p.startsWith('/config') },
  { to: '/audit', label: 'Audit log', icon: 'config', active: (p: string) => p.startsWith('/audit'), needs: 'admin' },
] as const;

/** The frame of every page: the left navigation and the content. */
export function AppShell({ children, onSignOut }: { children: ReactNode; onSignOut: () => void }) {
  const path = usePath();
  const { principal, can } = useSession();
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        <Link to="/" className="brand">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span>Switchboard</span>
        </Link>
        <ul>
          {NAV.filter((item) => !('needs' in item) || can(item.needs)).map((item) => (
            <li key={item.to}>
              <Link to={item.to} className={item.active(path) ? 'nav-link active' : 'nav-link'} aria-current={item.active(path) ? 'page' : undefined}>
                <NavIcon name={item.icon} />
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
        <div className="sidebar-footer">
          {principal && (
            <div className="signed-in" data-role={principal.role}>
              <span>
                {principal.name} · {principal.role}
              </span>
              <button type="button" className="link-button" onClick={onSignOut}>
                Sign out
              </button>
            </div>
          )}
          <a href="/docs">API docs ↗</a>
        </div>
      </nav>
      <main className="content">{children}</main>
    </div>
  );
}
