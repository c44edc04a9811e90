/** The fairness test's verdict ("departs from the weights (p = 0.01)") as a sentence about the assignments. */
export function verdictSentence(verdict: string): string {
  if (/^departs /i.test(verdict)) return `Assignments depart ${verdict.slice('departs '.length)}`;
  if (/^consistent /i.test(verdict)) return `Assignments are ${verdict}`;
  return verdict.charAt(0).toUpperCase() + verdict.slice(1);
}
