const PATHS = {
  board: 'M4 5h16v4H4zM4 11h16v4H4zM4 17h10v2H4z',
  leads: 'M5 6h14M5 12h14M5 18h9',
  fairness: 'M12 4v16M6 20h12M5 8h14M5 8l-3 6h6zM19 8l-3 6h6z',
  sla: 'M12 8v4l3 2M12 21a8 8 0 1 0 0-16 8 8 0 0 0 0 16zM9 2h6',
  config: 'M4 7h10M18 7h2M4 17h2M10 17h10M14 5v4M8 15v4',
} as const;

/** The navigation's line icons (stroked, in the text colour). */
export function NavIcon({ name }: { name: keyof typeof PATHS }) {
  return (
    <svg className="nav-icon" viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      <path d={PATHS[name]} />
    </svg>
  );
}
