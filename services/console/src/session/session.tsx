import { createContext, useContext } from 'react';
import type { Principal } from '../api/api-client.ts';

/** Who is signed in to the console. */
export const SessionContext = createContext<Principal | null>(null);

/** The signed-in principal, and whether it may do what an operation needs (its `x-switchboard-role`). */
export function useSession(): { principal: Principal | null; can: (requirement: string) => boolean } {
  const principal = useContext(SessionContext);
  return { principal, can: (requirement) => principal?.allowed.includes(requirement) ?? false };
}
