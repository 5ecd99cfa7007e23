export interface PullRef {
  owner: string;
  repo: string;
  number: number;
}

/** GitHub matches owners and names without regard to case; so do these keys. */
export function repoKey(ref: { owner: string; repo: string }): string {
  return `${ref.owner}/${ref.repo}`.toLowerCase();
}

export function pullKey(ref: PullRef): string {
  return `${repoKey(ref)}#${ref.number}`;
}
