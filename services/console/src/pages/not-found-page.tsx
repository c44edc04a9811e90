import { EmptyState } from '../components/empty-state.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { Link } from '../routing/router.tsx';

/** A console path that names no page. */
export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <EmptyState title="There is no page here">
        Go to the <Link to="/">rep board</Link>.
      </EmptyState>
    </>
  );
}
